/**
 * `GzipMiddleware`: compresses eligible 2xx responses for clients that
 * accept gzip, and always varies on `Accept-Encoding`.
 *
 * @module
 */

import { promisify } from "node:util";
import { gzip, gzipSync } from "node:zlib";
import { ConfigError } from "../http/errors.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import type { HttpResponse, ResponseBody } from "../core/response.ts";
import type { App } from "../core/app.ts";
import { ServerCheck, SpiderwebMiddleware } from "../core/middleware.ts";
import { addVary } from "../http/vary.ts";
import { utf8Length } from "../http/utf8_length.ts";

const gzipAsync = promisify(gzip);
const SYNC_LIMIT = 64 * 1024;

const COMPRESSIBLE = [
  /^text\//,
  /^application\/(json|javascript|xml|x-javascript|ecmascript)\b/,
  /^image\/svg\+xml\b/,
  /\+json\b/,
  /\+xml\b/,
];

/** The settings of `GzipMiddleware`, as router options. */
export interface GzipOptions {
  /** The zlib level, 1 (fastest) to 9 (smallest). @default 6 */
  gzip_compression_level?: number;
  /** Smaller bodies (in bytes) are sent as they are. @default 500 */
  gzip_minimum_response_length?: number;
}

/** The names of the gzip settings. */
export const GZIP_OPTION_KEYS: readonly string[] = Object.keys(
  {
    gzip_compression_level: true,
    gzip_minimum_response_length: true,
  } satisfies Record<keyof GzipOptions, true>,
);

function level(server: App): unknown {
  return server.options.gzip_compression_level ?? 6;
}

function minimum(server: App): unknown {
  return server.options.gzip_minimum_response_length ?? 500;
}

/**
 * `gzip_compression_level` must be an integer from 1 to 9.
 *
 * @example A failing configuration
 * ```ts
 * import { GzipMiddleware, SpiderwebRouter, StartupErrors } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [GzipMiddleware], gzip_compression_level: 12 });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class CheckValidGzipCompressionLevel extends ServerCheck {
  /**
   * Fails outside 1..9.
   *
   * @returns the problem found, else nothing
   */
  override check(): ConfigError | undefined {
    const value = level(this.server);
    if (
      !(Number.isInteger(value) && (value as number) >= 1
        && (value as number) <= 9)
    ) {
      return new ConfigError(
        `Invalid gzip_compression_level: ${
          JSON.stringify(value)
        } is not an integer from 1 to 9`,
      );
    }
  }
}

/**
 * `gzip_minimum_response_length` must be an integer of at least 1.
 *
 * @example A failing configuration
 * ```ts
 * import { GzipMiddleware, SpiderwebRouter, StartupErrors } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [GzipMiddleware], gzip_minimum_response_length: 0 });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class CheckValidGzipMinimumLength extends ServerCheck {
  /**
   * Fails below 1.
   *
   * @returns the problem found, else nothing
   */
  override check(): ConfigError | undefined {
    const value = minimum(this.server);
    if (!(Number.isInteger(value) && (value as number) >= 1)) {
      return new ConfigError(
        `Invalid gzip_minimum_response_length: ${
          JSON.stringify(value)
        } is not an integer of at least 1`,
      );
    }
  }
}

/**
 * True when `Accept-Encoding` accepts gzip: listed with q > 0, or `*` with
 * q > 0 while gzip is not listed.
 */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  let gzipQ: number | undefined;
  let anyQ: number | undefined;
  for (const part of header.split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    let q = 1;
    for (const param of params) {
      const [key, value] = param.trim().split("=");
      if (key === "q") q = Number(value);
    }
    if (Number.isNaN(q)) q = 0;
    if (coding.trim() === "gzip" || coding.trim() === "x-gzip") gzipQ = q;
    else if (coding.trim() === "*") anyQ = q;
  }
  return gzipQ !== undefined ? gzipQ > 0 : (anyQ ?? 0) > 0;
}

const ENCODER = new TextEncoder();

function byteLength(body: ResponseBody, headers: Headers): number | null {
  if (typeof body === "string") return utf8Length(body);
  if (body instanceof Uint8Array) return body.byteLength;
  const declared = headers.get("content-length");
  return declared === null ? null : Number(declared);
}

/**
 * Compresses text, JSON, JavaScript, SVG and XML bodies of at least
 * `gzip_minimum_response_length` bytes with gzip at
 * `gzip_compression_level`. List it first so that it runs last.
 *
 * @example Compressing a large page
 * ```ts
 * import { GzipMiddleware, HttpResponse, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ middleware: [GzipMiddleware] });
 * app.route("/", () => new HttpResponse("spiderweb ".repeat(100)));
 * const response = await app.fetch(new Request("http://localhost/", {
 *   headers: { "accept-encoding": "gzip" },
 * }));
 * console.assert(response.headers.get("content-encoding") === "gzip");
 * ```
 */
export class GzipMiddleware extends SpiderwebMiddleware {
  /** The level and minimum length checks. */
  static override checks = [
    CheckValidGzipCompressionLevel,
    CheckValidGzipMinimumLength,
  ];
  #warnedStreamLevel = false;

  #eligible(
    request: SpiderwebRequest,
    response: HttpResponse,
    body: ResponseBody | null,
  ): body is ResponseBody {
    const status = response.status_code;
    if (body === null || status < 200 || status > 299) return false;
    if (status === 204 || status === 206 || request.method === "HEAD") {
      return false;
    }
    const headers = response.headers;
    if (headers.has("content-encoding")) return false;
    if (/\bno-transform\b/i.test(headers.get("cache-control") ?? "")) {
      return false;
    }
    const type = (headers.get("content-type") ?? "").toLowerCase();
    if (!COMPRESSIBLE.some((pattern) => pattern.test(type))) return false;
    const length = byteLength(body, headers);
    return length !== null && length >= (minimum(this.server) as number);
  }

  /**
   * Compresses the rendered body when it is eligible (type, size, not already
   * encoded) and the client accepts gzip.
   *
   * @param request the request, for `Accept-Encoding`
   * @param response the response, whose headers are updated
   * @param body the rendered body
   * @returns the compressed body, or the body unchanged
   */
  override async postProcess(
    request: SpiderwebRequest,
    response: HttpResponse,
    body: ResponseBody | null,
  ): Promise<ResponseBody | null> {
    if (!this.#eligible(request, response, body)) return body;
    const headers = response.headers;
    addVary(headers, "Accept-Encoding");
    if (!acceptsGzip(request.headers.get("accept-encoding"))) return body;
    headers.set("content-encoding", "gzip");
    const etag = headers.get("etag");
    if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
    if (body instanceof ReadableStream) {
      this.#warnStreamLevel();
      headers.delete("content-length");
      return body.pipeThrough(
        new CompressionStream("gzip") as unknown as ReadableWritablePair<
          Uint8Array,
          Uint8Array
        >,
      );
    }
    const options = { level: level(this.server) as number };
    // Encoded once; the zlib output (a Uint8Array) is sent as it is. Small
    // bodies compress faster inline than through the thread pool.
    const bytes = typeof body === "string" ? ENCODER.encode(body) : body;
    const compressed = (bytes.byteLength <= SYNC_LIMIT
      ? gzipSync(bytes, options)
      : await gzipAsync(bytes, options)) as Uint8Array<ArrayBuffer>;
    headers.set("content-length", String(compressed.byteLength));
    return compressed;
  }

  // CompressionStream has no level: streamed bodies use the runtime's default.
  #warnStreamLevel(): void {
    if (this.#warnedStreamLevel || level(this.server) === 6) return;
    this.#warnedStreamLevel = true;
    this.server.log.warn(
      "gzip_compression_level is not applied to streamed bodies (CompressionStream has no level)",
    );
  }
}
