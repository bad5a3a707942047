/**
 * What a trusted reverse proxy says about the client: `X-Forwarded-For` and
 * `X-Forwarded-Proto`. Only read with `trust_forwarded_headers`, since any
 * client can send them.
 *
 * @module
 */

/**
 * The client address a proxy appended: the last `X-Forwarded-For` entry.
 *
 * @example
 * ```ts
 * import { forwardedFor } from "./forwarded.ts";
 * const request = new Request("http://x/", {
 *   headers: { "x-forwarded-for": "1.1.1.1, 10.0.0.2" },
 * });
 * console.assert(forwardedFor(request) === "10.0.0.2");
 * ```
 *
 * @param request the request
 * @returns the address, or null without the header
 */
export function forwardedFor(request: Request): string | null {
  const forwarded = request.headers.get("x-forwarded-for");
  if (!forwarded) return null;
  return forwarded.slice(forwarded.lastIndexOf(",") + 1).trim() || null;
}

/**
 * The scheme the client used, from the first `X-Forwarded-Proto` entry.
 *
 * @example
 * ```ts
 * import { forwardedProto } from "./forwarded.ts";
 * const request = new Request("http://x/", {
 *   headers: { "x-forwarded-proto": "HTTPS" },
 * });
 * console.assert(forwardedProto(request) === "https");
 * ```
 *
 * @param request the request
 * @returns the lower-case scheme, or null without the header
 */
export function forwardedProto(request: Request): string | null {
  const proto = request.headers.get("x-forwarded-proto");
  return proto ? proto.split(",")[0].trim().toLowerCase() : null;
}
