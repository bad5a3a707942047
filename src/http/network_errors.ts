/**
 * The network exceptions: thrown by a view or a middleware, each answers
 * the request with its own HTTP status (a custom error view for that code,
 * else the original's text page).
 *
 * @module
 */

/**
 * An exception that answers the request with its own HTTP status `code`.
 *
 * @example Answering 409 from a view
 * ```ts
 * import { APIError } from "../../mod.ts";
 * const error = new APIError(409, "Conflict", "The name is taken");
 * console.assert(error.code === 409);
 * ```
 */
export class SpiderwebNetworkException extends Error {
  /** The HTTP status; anything but an integer in 400..599 answers 500. */
  readonly code: number | string;
  /** The short message, shown as `Msg:`. */
  readonly msg: string;
  /** The longer description, shown as `Desc:`. */
  readonly desc: string;
  /** Headers the answer carries (`Retry-After`, `Connection: close`…). */
  readonly headers: Record<string, string> = {};

  /**
   * Creates the exception.
   *
   * @param code the HTTP status
   * @param msg the short message
   * @param desc the longer description
   */
  constructor(code: number | string, msg = "", desc = "") {
    super(desc || msg || String(code));
    this.name = new.target.name;
    this.code = code;
    this.msg = msg;
    this.desc = desc;
  }

  /** The HTTP status this exception answers with. */
  get status(): number {
    const code = this.code;
    return typeof code === "number" && Number.isInteger(code)
        && code >= 400 && code <= 599
      ? code
      : 500;
  }

  /**
   * The exception as the original prints it.
   *
   * @returns `Name(code, msg)`
   */
  override toString(): string {
    return `${this.name}(${this.code}, ${this.msg})`;
  }
}

/**
 * An error with a status, message and description of your choosing.
 *
 * @example A 409 for a taken name
 * ```ts
 * import { APIError, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/x", () => {
 *   throw new APIError(409, "Conflict", "The name is taken");
 * });
 * const response = await app.fetch(new Request("http://localhost/x"));
 * console.assert(response.status === 409);
 * ```
 */
export class APIError extends SpiderwebNetworkException {}
