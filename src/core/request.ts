/**
 * What views get: the standard Fetch `Request` plus spiderweb's query, form,
 * cookies, META and session. Everything is computed on first use.
 *
 * @module
 */

import { parseCookieHeader } from "../http/cookie.ts";
import { isFormContentType } from "../http/content_type.ts";
import { forwardedFor, forwardedProto } from "../http/forwarded.ts";
import { BadRequest } from "../http/status_errors.ts";
import type { MediaFile } from "./media_file.ts";
import { FileDict, QueryDict } from "../http/multi_dict.ts";
import type { RouteInfo } from "../routing/route_table.ts";
import type { PeerAddress } from "../runtime/runtime.ts";
import type { App } from "./app.ts";
import { buildMeta } from "./request_meta.ts";
import {
  findCsrfTokenSource,
  type RequestContext,
  type SessionControl,
} from "./request_services.ts";

const EMPTY = new Uint8Array(0);
const UTF8 = new TextDecoder();

/** Stores a request's buffered body (null: not kept); set in a static block. */
export let setRequestBody: (
  request: SpiderwebRequest,
  bytes: Uint8Array<ArrayBuffer> | null,
) => void;

/**
 * A request as views see it.
 *
 * @example Reading a request in a view
 * ```ts
 * import { SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/hi", (request) => ({ name: request.GET.get("name") }));
 * const response = await app.fetch(new Request("http://localhost/hi?name=Ann"));
 * console.assert((await response.json()).name === "Ann");
 * ```
 */
export class SpiderwebRequest {
  /** The standard Fetch request underneath. */
  readonly raw: Request;
  /** The method, upper-case. */
  readonly method: string;
  /** The percent-decoded path. */
  readonly path: string;
  /** The path as sent, still percent-encoded. */
  readonly rawPath: string;
  /** The query string without `?`. */
  readonly queryString: string;
  /** The app handling the request; `server.extra_data` holds extra options. */
  readonly server: App;
  /** The view that actually runs (an error view included). */
  handler: unknown;
  /** The route that matched, if any. */
  route: RouteInfo | undefined;
  /** The exception an error view is answering. */
  error: unknown;
  #session: Record<string, unknown> = {};
  /** The output of the route's schema (validation middleware). */
  validated_data: unknown;
  /** The output of the route's query schema (validation middleware). */
  validated_query: unknown;
  #user: unknown;
  #userLoader: ((request: SpiderwebRequest) => unknown) | undefined;
  #post: QueryDict | undefined;
  #files: FileDict<MediaFile> | undefined;
  /** Session operations, set by the sessions middleware. */
  session: SessionControl | undefined;

  #remoteAddress: PeerAddress | undefined; // a lookup on Bun: run on first use
  readonly #trustForwarded: boolean;
  #bodyBytes: Uint8Array<ArrayBuffer> | null = EMPTY;
  #url: URL | undefined;
  #query: QueryDict | undefined;
  #cookies: Record<string, string> | undefined;
  #meta: Record<string, string> | undefined;

  static {
    setRequestBody = (request, bytes) => {
      request.#bodyBytes = bytes;
    };
  }

  /**
   * The session data; `{}` until the sessions middleware loads it. Reading
   * or replacing it marks the session as accessed (`Vary: Cookie`).
   */
  get SESSION(): Record<string, unknown> {
    this.session?.markAccessed();
    return this.#session;
  }

  set SESSION(data: Record<string, unknown>) {
    this.session?.markAccessed();
    this.#session = data;
  }

  /**
   * Wraps a Fetch request whose path was already split and decoded (the
   * pipeline builds requests; tests may too).
   *
   * @param raw the Fetch request
   * @param parts the decoded path, the raw path and the query string
   * @param context the app, proxy trust, peer address and user loader
   */
  constructor(
    raw: Request,
    parts: { path: string; rawPath: string; queryString: string },
    context: RequestContext<SpiderwebRequest>,
  ) {
    this.raw = raw;
    this.method = raw.method;
    this.path = parts.path;
    this.rawPath = parts.rawPath;
    this.queryString = parts.queryString;
    this.server = context.server;
    this.#remoteAddress = context.remoteAddress;
    this.#trustForwarded = context.trustForwarded;
    this.#userLoader = context.loadUser;
  }

  /** The visitor: a `User`, or `AnonymousUser`; loaded on first read. */
  get user(): unknown {
    if (this.#userLoader) {
      const load = this.#userLoader;
      this.#userLoader = undefined;
      this.#user = load(this);
    }
    return this.#user;
  }

  set user(value: unknown) {
    this.#userLoader = undefined;
    this.#user = value;
  }

  /** The parsed form fields (POST, PUT, PATCH, DELETE). */
  get POST(): QueryDict {
    return this.#post ??= new QueryDict();
  }

  set POST(value: QueryDict) {
    this.#post = value;
  }

  /** The uploaded files by field name. */
  get FILES(): FileDict<MediaFile> {
    return this.#files ??= new FileDict();
  }

  set FILES(value: FileDict<MediaFile>) {
    this.#files = value;
  }

  /** The request headers. */
  get headers(): Headers {
    return this.raw.headers;
  }

  /** The full URL. */
  get url(): URL {
    return this.#url ??= new URL(this.raw.url, "http://localhost");
  }

  /** The query string parameters; `get()` returns the last value. */
  get GET(): QueryDict {
    return this.#query ??= new QueryDict(this.queryString);
  }

  /** Alias of `GET`. */
  get query_params(): QueryDict {
    return this.GET;
  }

  /** The cookies, percent-decoded; the last duplicate wins. */
  get COOKIES(): Record<string, string> {
    return this.#cookies ??= parseCookieHeader(
      this.raw.headers.get("cookie") ?? "",
    );
  }

  /**
   * The buffered body; throws (as Django) for a multipart form larger than
   * `file_upload_max_memory_size`, parsed as it arrived: read `POST`, `FILES`.
   */
  get body(): Uint8Array<ArrayBuffer> {
    if (this.#bodyBytes) return this.#bodyBytes;
    throw new Error(
      "request.body is not available: this multipart body is larger than file_upload_max_memory_size and was parsed as it arrived; read request.POST and request.FILES instead",
    );
  }

  /** The body as UTF-8 text. */
  get content(): string {
    return UTF8.decode(this.body);
  }

  /**
   * The body parsed as JSON.
   *
   * @returns the parsed value
   * @throws BadRequest for an empty or invalid body (a 400)
   */
  json(): unknown {
    try {
      return JSON.parse(this.content);
    } catch (error) {
      throw new BadRequest(`Invalid JSON: ${(error as Error).message}`);
    }
  }

  #peer(): string | undefined {
    const peer = this.#remoteAddress;
    return typeof peer === "function" ? (this.#remoteAddress = peer()) : peer;
  }

  /** The peer's address, or the last `X-Forwarded-For` entry when trusted. */
  get client_address(): string {
    const forwarded = this.#trustForwarded ? forwardedFor(this.raw) : null;
    return forwarded ?? this.#peer() ?? "unknown";
  }

  /** CGI-style request data, as spiderweb's `META`. */
  get META(): Record<string, string> {
    return this.#meta ??= buildMeta(this.raw, {
      method: this.method,
      path: this.path,
      queryString: this.queryString,
      url: this.url,
      remoteAddress: this.#peer() ?? "unknown",
      clientAddress: this.client_address,
    });
  }

  /**
   * Whether the body is a form.
   *
   * @returns true for urlencoded and multipart bodies
   */
  isFormRequest(): boolean {
    return isFormContentType(this.raw.headers.get("content-type"));
  }

  /**
   * Whether the request came over HTTPS.
   *
   * @returns true over HTTPS (or a trusted `X-Forwarded-Proto: https`)
   */
  isSecure(): boolean {
    const proto = this.#trustForwarded ? forwardedProto(this.raw) : null;
    return proto ? proto === "https" : this.raw.url.startsWith("https:");
  }

  /**
   * Issues a new session key at the end of the request, keeping the data
   * (login calls this). The old key dies before the response is sent.
   *
   * @throws Error when SessionMiddleware is not enabled
   */
  cycleSessionKey(): void {
    this.#requireSession().cycleKey();
  }

  /**
   * Ends the session: `SESSION` is empty at once, and the stored session is
   * deleted and the cookie cleared before the response is sent. Awaiting it
   * is optional.
   *
   * @returns a promise that is already settled
   * @throws Error when SessionMiddleware is not enabled
   */
  flushSession(): Promise<void> {
    return this.#requireSession().flush();
  }

  /**
   * A CSRF token for this visitor's session (needs CSRFMiddleware).
   *
   * @returns the token, to send back in a form field or header
   * @throws Error when CSRFMiddleware is not enabled
   */
  csrfToken(): Promise<string> {
    const source = findCsrfTokenSource<SpiderwebRequest>(
      this.server.middleware,
    );
    if (!source) throw new Error("csrfToken() needs CSRFMiddleware");
    return source.csrfTokenFor(this);
  }

  #requireSession(): SessionControl {
    if (!this.session) throw new Error("SessionMiddleware is not enabled");
    return this.session;
  }
}
