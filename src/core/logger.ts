/**
 * The logger interface and the default console logger.
 *
 * @module
 */

/** Anything with these four methods, such as `console`. */
export interface Logger {
  /**
   * Details for development.
   *
   * @param data what to log
   */
  debug(...data: unknown[]): void;
  /**
   * Normal operation.
   *
   * @param data what to log
   */
  info(...data: unknown[]): void;
  /**
   * Something to look at.
   *
   * @param data what to log
   */
  warn(...data: unknown[]): void;
  /**
   * A failure.
   *
   * @param data what to log
   */
  error(...data: unknown[]): void;
}

/** Writes info and above to the console with a `[spiderweb]` prefix. */
export const consoleLogger: Logger = {
  debug() {},
  // deno-lint-ignore no-console
  info: (...data) => console.info("[spiderweb]", ...data),
  // deno-lint-ignore no-console
  warn: (...data) => console.warn("[spiderweb]", ...data),
  // deno-lint-ignore no-console
  error: (...data) => console.error("[spiderweb]", ...data),
};
