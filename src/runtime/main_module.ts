/**
 * "Started directly": whether a module is the program being run, on every
 * runtime version (`import.meta.main` where the runtime has it, else the
 * script path Node was given).
 *
 * @module
 */

import { realpathSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";

/**
 * Whether the module whose `import.meta` this is was started directly
 * (`deno run -A app.ts`, `bun app.ts`, `node app.ts`), not imported (by
 * `manage.ts`, a test, or the `web` command).
 *
 * @example Serve only when run directly
 * ```ts
 * import { isMain, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * if (isMain(import.meta)) await app.start();
 * ```
 *
 * @param meta the module's `import.meta`
 * @returns true when that module is the entry point
 */
export function isMain(meta: { url: string; main?: boolean }): boolean {
  if (typeof meta.main === "boolean") return meta.main;
  // Node before 24.2 has no import.meta.main: compare with the script path.
  const entry = process.argv[1];
  if (!entry || !meta.url.startsWith("file:")) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(meta.url));
  } catch {
    return false;
  }
}
