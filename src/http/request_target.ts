/**
 * The path and query of a request URL, split without normalising: servers
 * disagree on `..` and `//`, so the framework derives its path in one place.
 *
 * @module
 */

/** A request URL's raw path and query string. */
export interface RequestTarget {
  /** The path as sent, still percent-encoded. */
  readonly rawPath: string;
  /** The query string without `?`. */
  readonly queryString: string;
}

/**
 * Splits a request URL into its raw path and query without normalising.
 *
 * @example Splitting a URL
 * ```ts
 * import { splitTarget } from "./request_target.ts";
 * const { rawPath, queryString } = splitTarget("http://x/a/../b?q=1#top");
 * console.assert(rawPath === "/a/../b" && queryString === "q=1");
 * ```
 *
 * @param url an absolute URL or an origin-form target (`/path?query`)
 * @returns the raw path (`/` when empty) and the query string
 */
export function splitTarget(url: string): RequestTarget {
  let start = 0;
  const scheme = url.indexOf("://");
  if (scheme !== -1) {
    start = url.indexOf("/", scheme + 3);
    if (start === -1) return { rawPath: "/", queryString: "" };
  }
  let end = url.indexOf("#", start);
  if (end === -1) end = url.length;
  const question = url.indexOf("?", start);
  if (question !== -1 && question < end) {
    return {
      rawPath: url.slice(start, question),
      queryString: url.slice(question + 1, end),
    };
  }
  return { rawPath: url.slice(start, end), queryString: "" };
}

/**
 * The `Host` of a request: the header, else the URL's authority (in-process
 * `app.fetch` calls may have no header).
 *
 * @param request the Fetch request
 * @returns the host, with its port when one was given
 */
export function hostOf(request: Request): string {
  const host = request.headers.get("host");
  if (host !== null) return host;
  const scheme = request.url.indexOf("://");
  if (scheme === -1) return "";
  const end = request.url.indexOf("/", scheme + 3);
  return request.url.slice(scheme + 3, end === -1 ? undefined : end);
}
