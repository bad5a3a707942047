/**
 * `MediaFile`: an uploaded file (a Web `File`) that can save itself into
 * `media_dir` under a sanitised, never-overwriting name.
 *
 * @module
 */

import { mkdir, open } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { ConfigError } from "../http/errors.ts";

const MAX_NAME_BYTES = 200;

/**
 * A safe file name: the basename, NFC-normalised, `[A-Za-z0-9._-]` only,
 * no leading dots, at most 200 bytes, or `upload` if nothing is left.
 *
 * @example Sanitising a hostile name
 * ```ts
 * import { sanitizeFilename } from "./media_file.ts";
 * console.assert(sanitizeFilename("../../etc/passwd") === "passwd");
 * ```
 */
export function sanitizeFilename(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  let clean = base.normalize("NFC").replace(/[^A-Za-z0-9._-]/g, "_").replace(
    /^\.+/,
    "",
  );
  if (clean.length > MAX_NAME_BYTES) {
    const extension = extname(clean).slice(0, 20);
    clean = clean.slice(0, MAX_NAME_BYTES - extension.length) + extension;
  }
  return clean || "upload";
}

function randomLetters(count: number): string {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  return Array.from(bytes, (b) => letters[b % 52]).join("");
}

/**
 * An uploaded file in `request.FILES`.
 *
 * @example Saving an upload in a view
 * ```ts
 * import { MediaFile } from "../../mod.ts";
 * const file = new MediaFile(["hello"], "a.txt", { type: "text/plain" }, null);
 * console.assert(file.filename === "a.txt" && file.content_type === "text/plain");
 * ```
 */
export class MediaFile extends File {
  readonly #mediaDir: string | null;
  readonly #contentType: string;

  /**
   * Wraps file contents; the framework makes these for uploads.
   *
   * @param parts the contents
   * @param name the name the client sent
   * @param options the type and modification time
   * @param mediaDir where `save()` writes, or null without `media_dir`
   */
  constructor(
    parts: BlobPart[],
    name: string,
    options: FilePropertyBag,
    mediaDir: string | null,
  ) {
    super(parts, name, options);
    this.#mediaDir = mediaDir;
    // Bun's File adds `;charset=utf-8` to text types; keep the type as sent.
    this.#contentType = options.type ?? "";
  }

  /** The name the client sent. */
  get filename(): string {
    return this.name;
  }

  /** The type the client sent, exactly. */
  get content_type(): string {
    return this.#contentType || this.type;
  }

  /**
   * Writes the file under `media_dir` with a sanitised, unique name.
   *
   * @returns the path written
   */
  async save(): Promise<string> {
    if (!this.#mediaDir) {
      throw new ConfigError("MediaFile.save() needs the media_dir option");
    }
    const dir = resolve(this.#mediaDir);
    await mkdir(dir, { recursive: true });
    const clean = sanitizeFilename(this.name);
    const extension = extname(clean);
    const stem = clean.slice(0, clean.length - extension.length) || "upload";
    const bytes = new Uint8Array(await this.arrayBuffer());
    let candidate = clean;
    for (let attempt = 0;; attempt++) {
      const path = join(dir, candidate);
      try {
        const handle = await open(path, "wx");
        try {
          await handle.writeFile(bytes);
        } finally {
          await handle.close();
        }
        return path;
      } catch (error) {
        if ((error as { code?: string }).code !== "EEXIST" || attempt > 100) {
          throw error;
        }
        candidate = `${stem}_[${randomLetters(6)}]${extension}`;
      }
    }
  }
}
