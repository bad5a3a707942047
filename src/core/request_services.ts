/**
 * What features provide to a request through the core's own interfaces:
 * the session (`request.session`) and CSRF tokens (`request.csrfToken()`).
 * The core declares them; the sessions and CSRF middleware implement them.
 *
 * @module
 */

/** What the sessions middleware puts on `request.session`. */
export interface SessionControl {
  /** Issues a new key at the end of the request, keeping the data. */
  cycleKey(): void;
  /**
   * Ends the session now: the data is empty at once and the key is dead for
   * the rest of the request; the store forgets it before the response goes.
   *
   * @returns a settled promise (awaiting it is optional)
   */
  flush(): Promise<void>;
}

/** A middleware that mints CSRF tokens for `request.csrfToken()`. */
export interface CsrfTokenSource<Request = unknown> {
  /**
   * A token for the request's session, creating the session if needed.
   *
   * @param request the request
   * @returns the token
   */
  csrfTokenFor(request: Request): Promise<string>;
}
