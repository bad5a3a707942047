/**
 * How the `web` command finds the app: `--app <module>[:<export>]`, then
 * `SPIDERWEB_APP`, then `"spiderweb": { "app": "..." }` in the nearest
 * `deno.json`, `deno.jsonc` or `package.json` above the working directory.
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SpiderwebRouter } from "../router.ts";

const CONFIG_FILES = ["deno.json", "deno.jsonc", "package.json"];

/** Where the app was named: the module path, the export, and the source. */
export interface AppReference {
  /** The module, absolute. */
  module: string;
  /** The export name, if one was given. */
  exportName?: string;
  /** Where the reference came from. */
  source: string;
}

function parseReference(
  value: string,
  base: string,
  source: string,
): AppReference {
  // "C:\x" style paths are not a concern here; the last ":" splits the export.
  const colon = value.lastIndexOf(":");
  const hasExport = colon > 0 && !value.slice(colon + 1).includes("/");
  const module = hasExport ? value.slice(0, colon) : value;
  return {
    module: resolve(base, module),
    exportName: hasExport ? value.slice(colon + 1) : undefined,
    source,
  };
}

// deno.jsonc may hold comments; strip them before parsing.
function readJson(path: string): Record<string, unknown> | null {
  try {
    const text = readFileSync(path, "utf8").replace(
      /("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g,
      (_, string) => string ?? "",
    );
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The nearest config file above `cwd` that names the app. */
export function findConfigReference(cwd: string): AppReference | null {
  for (let dir = resolve(cwd);; dir = dirname(dir)) {
    for (const name of CONFIG_FILES) {
      const path = join(dir, name);
      if (!existsSync(path)) continue;
      const app = (readJson(path)?.spiderweb as { app?: unknown } | undefined)
        ?.app;
      if (typeof app === "string") return parseReference(app, dir, path);
    }
    if (dirname(dir) === dir) return null;
  }
}

/** The app reference from the flag, the environment, or a config file. */
export function findAppReference(
  flag: string | undefined,
  env: string | undefined,
  cwd: string,
): AppReference | null {
  if (flag) return parseReference(flag, cwd, "--app");
  if (env) return parseReference(env, cwd, "SPIDERWEB_APP");
  return findConfigReference(cwd);
}

/** Imports the module and returns the named export, `app`, or the default. */
export async function loadApp(
  reference: AppReference,
): Promise<SpiderwebRouter> {
  if (!existsSync(reference.module)) {
    throw new Error(
      `App module ${reference.module} (from ${reference.source}) does not exist`,
    );
  }
  const module = await import(pathToFileURL(reference.module).href);
  const names = reference.exportName
    ? [reference.exportName]
    : ["app", "default"];
  for (const name of names) {
    if (module[name] instanceof SpiderwebRouter) return module[name];
  }
  throw new Error(
    `${reference.module} has no SpiderwebRouter export named ${
      names.join(" or ")
    }`,
  );
}
