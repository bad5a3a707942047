/**
 * `request.META`: CGI-style request data, as spiderweb's (and Django's)
 * `META`, including every header as `HTTP_*`.
 *
 * @module
 */

/** What `META` holds besides the headers. */
export interface MetaFields {
  /** The method. */
  readonly method: string;
  /** The decoded path. */
  readonly path: string;
  /** The query string without `?`. */
  readonly queryString: string;
  /** The full URL. */
  readonly url: URL;
  /** The peer's address. */
  readonly remoteAddress: string;
  /** The client's address (the forwarded one when trusted). */
  readonly clientAddress: string;
}

/**
 * Builds `META` for a request.
 *
 * @example
 * ```ts
 * import { buildMeta } from "./request_meta.ts";
 * const raw = new Request("http://localhost:8000/a?b=1", { headers: { "x-id": "7" } });
 * const meta = buildMeta(raw, {
 *   method: "GET", path: "/a", queryString: "b=1", url: new URL(raw.url),
 *   remoteAddress: "127.0.0.1", clientAddress: "127.0.0.1",
 * });
 * console.assert(meta.HTTP_X_ID === "7" && meta.SERVER_PORT === "8000");
 * ```
 *
 * @param raw the Fetch request, for its headers
 * @param fields the request's method, path, query, URL and addresses
 * @returns the META dictionary
 */
export function buildMeta(
  raw: Request,
  fields: MetaFields,
): Record<string, string> {
  const { url } = fields;
  const meta: Record<string, string> = {
    REQUEST_METHOD: fields.method,
    PATH_INFO: fields.path,
    QUERY_STRING: fields.queryString,
    SERVER_NAME: url.hostname,
    SERVER_PORT: url.port || (url.protocol === "https:" ? "443" : "80"),
    SERVER_PROTOCOL: "HTTP/1.1",
    REMOTE_ADDR: fields.remoteAddress,
    CONTENT_TYPE: raw.headers.get("content-type") ?? "",
    CONTENT_LENGTH: raw.headers.get("content-length") ?? "",
    client_address: fields.clientAddress,
  };
  for (const [name, value] of raw.headers) {
    meta[`HTTP_${name.toUpperCase().replaceAll("-", "_")}`] = value;
  }
  return meta;
}
