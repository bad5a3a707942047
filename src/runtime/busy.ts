/**
 * A locked SQLite database without a blocked event loop: the drivers are
 * synchronous, so the driver's own busy timeout is kept short and a
 * statement that meets a lock is retried asynchronously, with backoff, until
 * a deadline; meanwhile the event loop serves other requests.
 *
 * @module
 */

/** The database stayed locked past the deadline. */
export class DatabaseBusyError extends Error {
  /**
   * Creates the error.
   *
   * @param seconds how long the statement waited
   */
  constructor(seconds: number) {
    super(`The database stayed locked for ${seconds} s`);
    this.name = "DatabaseBusyError";
  }
}

/**
 * Whether an error is SQLite's "database is locked" (SQLITE_BUSY).
 *
 * @param error what a driver threw
 * @returns true for a lock held by another connection
 */
export function isBusy(error: unknown): boolean {
  const text = error instanceof Error
    ? `${error.message} ${(error as { code?: unknown }).code ?? ""}`
    : String(error);
  return /database is locked|SQLITE_BUSY/i.test(text);
}

/**
 * Runs `work` now; if the database is locked, again after 5, 10, 20… ms
 * (at most 200 ms apart) until `seconds` have passed.
 *
 * @example
 * ```ts
 * import { retryWhileBusy } from "./busy.ts";
 * console.assert(retryWhileBusy(() => 42, 5) === 42);
 * ```
 *
 * @param work a synchronous database operation
 * @param seconds the deadline
 * @returns the result at once when there was no lock, else a promise of it
 * @throws DatabaseBusyError (or rejects with it) past the deadline
 */
export function retryWhileBusy<T>(
  work: () => T,
  seconds: number,
): T | Promise<T> {
  try {
    return work();
  } catch (error) {
    if (!isBusy(error)) throw error;
  }
  const deadline = Date.now() + seconds * 1000;
  return (async () => {
    for (let wait = 5;; wait = Math.min(wait * 2, 200)) {
      if (Date.now() >= deadline) throw new DatabaseBusyError(seconds);
      await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        return work();
      } catch (error) {
        if (!isBusy(error)) throw error;
      }
    }
  })();
}
