/**
 * Static and media files in development (`debug: true`): the views for
 * `/{static_url}/<path:filename>` and `/{media_url}/<path:filename>`, with a
 * traversal guard by resolved-path containment.
 *
 * @module
 */

import { existsSync, mkdirSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { basename, resolve, sep } from "node:path";
import { ConfigError } from "../http/errors.ts";
import { NotFound } from "../http/status_errors.ts";
import { contentTypeFor, FileResponse } from "./file_response.ts";
import type { AppBase } from "../core/app_base.ts";
import type { ViewFunction } from "../core/view.ts";

// SQLite files are never served, even from inside a static folder.
const DATABASE_FILE = /\.(db|sqlite3?)(-wal|-shm|-journal)?$/i;

/**
 * The checked absolute path of `filename` inside one of `dirs`, or null.
 * Rejects NUL, backslashes, `.`/`..` and hidden segments, database files,
 * and anything whose real path (symlinks resolved) leaves the folder.
 */
export async function safeFilePath(
  dirs: readonly string[],
  filename: string,
): Promise<string | null> {
  if (!filename || filename.includes("\0") || filename.includes("\\")) {
    return null;
  }
  const segments = filename.split("/");
  if (segments.some((s) => s === "" || s.startsWith("."))) return null;
  if (DATABASE_FILE.test(filename)) return null;
  for (const dir of dirs) {
    try {
      const root = await realpath(dir);
      const real = await realpath(resolve(root, ...segments));
      if (real.startsWith(root + sep)) return real;
    } catch {
      // Missing here: try the next folder.
    }
  }
  return null;
}

/**
 * A view serving files from `dirs`; anything unsafe or missing is a 404.
 * With `uploads` (media), HTML, SVG, XML and scripts are sent as
 * attachments.
 *
 * @param dirs the folders, searched in order
 * @param uploads whether the files are uploads (untrusted content)
 * @returns the view, for `/<url>/<path:filename>`
 */
export function fileServingView(
  dirs: readonly string[],
  uploads = false,
): ViewFunction<{
  filename: string;
}> {
  const view = async (
    _request: unknown,
    { filename }: { filename: string },
  ) => {
    const path = await safeFilePath(dirs, filename);
    if (!path) throw new NotFound();
    // Uploaded documents and scripts must never run on the app's origin
    // (stored XSS): browsers download them instead. FileResponse always
    // sends nosniff, so no other type is sniffed into one of these.
    if (uploads && ACTIVE_CONTENT.test(contentTypeFor(path))) {
      return new FileResponse(path, {
        headers: {
          "content-disposition": `attachment; filename*=UTF-8''${
            encodeURIComponent(basename(path))
          }`,
        },
      });
    }
    return new FileResponse(path);
  };
  return view as ViewFunction<{ filename: string }>;
}

// Types a browser renders as a document or runs as a script.
const ACTIVE_CONTENT =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|application\/xml|text\/xml|text\/xsl|text\/javascript|application\/javascript)\b/;

/** The static and media file settings, as router options. */
export interface FileOptions {
  /** Folders served under `static_url` (with `debug: true`). */
  staticfiles_dirs?: string | readonly string[];
  /** The URL prefix of static files. @default "static" */
  static_url?: string;
  /** The URL prefix of uploaded media. @default "media" */
  media_url?: string;
  /** Where uploads are saved and served from (created if missing). */
  media_dir?: string;
}

/** The names of the file settings. */
export const FILE_OPTION_KEYS: readonly string[] = Object.keys(
  {
    staticfiles_dirs: true,
    static_url: true,
    media_url: true,
    media_dir: true,
  } satisfies Record<keyof FileOptions, true>,
);

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Adds the static and media routes the options ask for (debug only). */
export function registerFileRoutes(app: AppBase): void {
  const options = app.options;
  const staticDirs = asList(options.staticfiles_dirs).map((d) => resolve(d));
  const mediaDir = options.media_dir
    ? resolve(String(options.media_dir))
    : null;
  if (mediaDir && !existsSync(mediaDir)) {
    mkdirSync(mediaDir, { recursive: true });
    app.log.info(`Created media directory '${mediaDir}'.`);
  }
  if (staticDirs.length) {
    for (const dir of staticDirs) {
      if (!existsSync(dir)) {
        app.log.error(`Static files directory '${dir}' does not exist.`);
        throw new ConfigError(
          `Static files directory '${dir}' does not exist.`,
        );
      }
    }
    if (app.debug) {
      const url = String(options.static_url ?? "static").replace(
        /^\/+|\/+$/g,
        "",
      );
      app.addRoute(`/${url}/<path:filename>`, fileServingView(staticDirs), {
        allowed_methods: ["GET"],
        name: "static",
      });
    } else {
      app.log.warn(
        "`staticfiles_dirs` is set, but `debug` is set to FALSE. Static files will not be served.",
      );
    }
  }
  if (mediaDir) {
    if (app.debug) {
      const url = String(options.media_url ?? "media").replace(
        /^\/+|\/+$/g,
        "",
      );
      app.addRoute(
        `/${url}/<path:filename>`,
        fileServingView([mediaDir], true),
        {
          allowed_methods: ["GET"],
          name: "media",
        },
      );
    } else {
      app.log.warn(
        "`media_dir` is set, but `debug` is set to FALSE. Media files will not be served.",
      );
    }
  }
}
