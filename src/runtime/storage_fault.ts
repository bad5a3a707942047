/**
 * SQLite errors that mean the database cannot store anything right now (a
 * full disk, a read-only file or mount, an I/O error) rather than a bug in
 * the statement: the request gets a 503, the cause goes to the log.
 *
 * @module
 */

/**
 * Whether a driver error is SQLITE_FULL, SQLITE_READONLY or SQLITE_IOERR.
 *
 * @example
 * ```ts
 * import { isStorageFault } from "./storage_fault.ts";
 * console.assert(isStorageFault(new Error("database or disk is full")));
 * console.assert(!isStorageFault(new Error("no such table: x")));
 * ```
 *
 * @param error what a driver threw
 * @returns true when the storage, not the statement, failed
 */
export function isStorageFault(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const text = `${error.message} ${(error as { code?: unknown }).code ?? ""}`;
  return /database or disk is full|readonly database|disk I\/O error|SQLITE_(FULL|READONLY|IOERR)/i
    .test(text);
}
