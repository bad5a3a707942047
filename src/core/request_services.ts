/**
 * What features provide to a request through the core's own interfaces:
 * the session (`request.session`) and CSRF tokens (`request.csrfToken()`).
 * The core declares them; the sessions and CSRF middleware implement them.
 *
 * @module
 */

import type { App } from "./app.ts";

/** The server-side facts a request needs. */
export interface RequestContext<Request = unknown> {
  /** The app handling the request. */
  readonly server: App;
  /** Trust `X-Forwarded-*` headers. */
  readonly trustForwarded: boolean;
  /** The peer's address (or its lookup), from the runtime. */
  readonly remoteAddress?: string | (() => string | undefined);
  /** Computes `request.user` on its first read. */
  readonly loadUser?: (request: Request) => unknown;
}

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
  /** Notes that the data was read or replaced (the response varies on it). */
  markAccessed(): void;
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

/**
 * The middleware that mints CSRF tokens, if the app has one.
 *
 * @param middleware the app's middleware
 * @returns the first one with `csrfTokenFor`, or undefined
 */
export function findCsrfTokenSource<Request>(
  middleware: readonly object[],
): CsrfTokenSource<Request> | undefined {
  return middleware.find((m) =>
    typeof (m as Partial<CsrfTokenSource>).csrfTokenFor === "function"
  ) as CsrfTokenSource<Request> | undefined;
}
