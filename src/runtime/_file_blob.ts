/**
 * A `Blob` that reads a file from disk only when it is read, where the
 * runtime has one (`fs.openAsBlob` on Node and Bun). Deno's `openAsBlob`
 * reads the whole file at once, which would defeat spooling large uploads to
 * disk, so Deno gets none.
 *
 * @module
 */

import { openAsBlob } from "node:fs";

/**
 * A lazily read `Blob` of the file at `path`.
 *
 * @param path the file
 * @returns the blob
 */
export function lazyFileBlob(path: string): Promise<Blob> {
  return openAsBlob(path);
}
