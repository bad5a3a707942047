/**
 * The response classes views return: `HttpResponse`, `JsonResponse` and
 * `RedirectResponse`. Each renders a standard Fetch `Response`.
 *
 * @module
 */

import { type CookieOptions, serializeCookie } from "../http/cookie.ts";
import { GeneralException } from "../http/errors.ts";
import { addVary } from "../http/vary.ts";
import { unknownName } from "./suggest.ts";
import type { SpiderwebRequest } from "./request.ts";
import type { ResponseParts } from "../runtime/runtime.ts";

/** A response body before it becomes a Fetch `Response`. */
export type ResponseBody =
  | string
  | Uint8Array<ArrayBuffer>
  | ReadableStream<Uint8Array>;

/** Options shared by every response class, snake_case as in spiderweb. */
export interface ResponseInit {
  /** The status; an integer in 200..599, else the response is a 500. */
  status_code?: number;
  /** Extra headers; names keep their case and underscores. */
  headers?: HeadersInit;
  /** Template context (used by `TemplateResponse` and CSRF). */
  context?: Record<string, unknown>;
  /** Arbitrary data attached to the response. */
  data?: unknown;
}

/** The options form of `HttpResponse`: the body as an option. */
export interface HttpResponseInit extends ResponseInit {
  /** The body: text, bytes, a stream, or nothing. */
  body?: ResponseBody | null;
}

const INIT_KEYS = new Set([
  "body",
  "status_code",
  "headers",
  "context",
  "data",
  "location",
  "filename",
  "template_path",
  "template_string",
]);

/** True for a plain object used as an options bag: only known keys. */
export function isInitObject(value: unknown, required?: string): boolean {
  if (!value || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  if (required && !keys.includes(required)) return false;
  return keys.every((key) => INIT_KEYS.has(key));
}

// A plain object that is clearly meant as options (it names one), not data.
function isOptionsLike(value: unknown): boolean {
  if (!value || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null)
    && Object.keys(value).some((key) => INIT_KEYS.has(key));
}

// Web-standard habits (`status`, `statusText`) are errors naming the option.
function checkInitKeys(init: object): void {
  for (const key of Object.keys(init)) {
    if (!INIT_KEYS.has(key)) {
      throw new GeneralException(
        key === "status"
          ? "Unknown response option \"status\"; did you mean \"status_code\"?"
          : unknownName("response option", key, INIT_KEYS),
      );
    }
  }
}

let dateSecond = 0;
let dateText = "";

// One `toUTCString()` per second rather than per response.
function httpDate(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

// The headers a response sends (set in a static block: not public API).
let headersToSend: (response: HttpResponse) => Headers | Record<string, string>;

/**
 * An HTTP response: a body, a status and headers. The defaults are
 * `content-type: text/html; charset=utf-8`, `server: Spiderweb` and `date`.
 *
 * @example Two ways to build a response
 * ```ts
 * import { HttpResponse } from "../../mod.ts";
 * const a = new HttpResponse("Hello", { status_code: 201 });
 * const b = new HttpResponse({ body: "Hello", status_code: 201 });
 * console.assert(a.toString() === b.toString());
 * ```
 */
export class HttpResponse {
  /** The Content-Type a response of this class gets unless one is set. */
  static contentType: string | null = "text/html; charset=utf-8";
  /** The body before rendering. */
  body: ResponseBody | null;
  /** The HTTP status. */
  status_code: number;
  /** The template context. */
  context: Record<string, unknown>;
  /** Data attached to the response. */
  data: unknown;
  // Headers are built on first access: most responses never touch them, and
  // a Fetch Headers object is the costliest part of a small response.
  #headers: Headers | undefined;
  readonly #vary: string[] = [];
  #init: HeadersInit | undefined;

  /**
   * Creates a response from a body and options, or from one options object.
   *
   * @param body the body, or `{ body, status_code, headers, context }`
   * @param init the status, headers and context
   */
  constructor(
    body?: ResponseBody | HttpResponseInit | null,
    init: ResponseInit = {},
  ) {
    if (isInitObject(body)) {
      init = body as HttpResponseInit;
      body = (body as HttpResponseInit).body;
    } else if (isOptionsLike(body)) {
      checkInitKeys(body as Record<string, unknown>);
    }
    checkInitKeys(init);
    this.body = (body ?? null) as ResponseBody | null;
    this.status_code = init.status_code ?? 200;
    this.#init = init.headers;
    this.context = init.context ?? {};
    this.data = init.data;
  }

  /** The response headers; `content-type` and `server` have defaults. */
  get headers(): Headers {
    if (!this.#headers) {
      const headers = new Headers(this.#init);
      const type = (this.constructor as typeof HttpResponse).contentType;
      if (type && !headers.has("content-type")) {
        headers.set("content-type", type);
      }
      if (!headers.has("server")) headers.set("server", "Spiderweb");
      for (const name of this.#vary) addVary(headers, name);
      this.#headers = headers;
      this.#init = undefined;
    }
    return this.#headers;
  }

  static {
    headersToSend = (response) => response.#headersToSend();
  }

  /**
   * Adds a request header the response varies on (`Vary`), once. Cheaper
   * than `headers` for a response whose headers were never touched: Deno
   * builds a `Headers` object slowly, so none is made just for this.
   *
   * @param name the request header, e.g. `Cookie`
   */
  varyOn(name: string): void {
    if (this.#headers || this.#init !== undefined) {
      addVary(this.headers, name);
    } else if (
      !this.#vary.some((v) => v.toLowerCase() === name.toLowerCase())
    ) {
      this.#vary.push(name);
    }
  }

  // The headers to send, with `date`.
  #headersToSend(): Headers | Record<string, string> {
    if (!this.#headers && this.#init === undefined) {
      const type = (this.constructor as typeof HttpResponse).contentType;
      const record: Record<string, string> = type
        ? { "content-type": type, server: "Spiderweb", date: httpDate() }
        : { server: "Spiderweb", date: httpDate() };
      if (this.#vary.length) record.vary = this.#vary.join(", ");
      return record;
    }
    const headers = this.headers;
    if (!headers.has("date")) headers.set("date", httpDate());
    return headers;
  }

  /**
   * Appends a `Set-Cookie` header.
   *
   * @param name an RFC 6265 token (`my_cookie`, `__Host-id`)
   * @param value any string; percent-encoded
   * @param options the cookie attributes
   * @throws GeneralException for an invalid name or attribute
   */
  setCookie(
    name: string,
    value: string | number | boolean,
    options: CookieOptions = {},
  ): void {
    this.headers.append("set-cookie", serializeCookie(name, value, options));
  }

  /**
   * Expires a cookie. The attributes repeat those the cookie was set with
   * (browsers match on name, path and domain; `__Host-` and `__Secure-`
   * names need Secure, which is added for them).
   *
   * @param name the cookie's name
   * @param options the attributes it was set with
   */
  deleteCookie(
    name: string,
    options: Omit<CookieOptions, "max_age" | "expires"> = {},
  ): void {
    const prefixed = name.startsWith("__Host-") || name.startsWith("__Secure-");
    this.setCookie(name, "", {
      ...options,
      expires: new Date(0),
      max_age: 0,
      path: options.path ?? "/",
      secure: options.secure || prefixed,
    });
  }

  /** True for responses whose rendering reads `context` (templates). */
  get rendersContext(): boolean {
    return false;
  }

  /**
   * The body as it will be sent; subclasses that render late (templates,
   * files) override it.
   *
   * @param _request the request being answered
   * @returns the body
   */
  render(
    _request?: SpiderwebRequest,
  ): Promise<ResponseBody | null> | ResponseBody | null {
    return this.body;
  }

  /**
   * The body as text.
   *
   * @returns the text body, bytes decoded as UTF-8, else `""`
   */
  toString(): string {
    return typeof this.body === "string"
      ? this.body
      : this.body instanceof Uint8Array
      ? new TextDecoder().decode(this.body)
      : "";
  }
}

/** The parts to send; HEAD and null-body statuses get no body. */
export function toResponseParts(
  response: HttpResponse,
  body: ResponseBody | null,
  method: string,
): ResponseParts {
  const status = response.status_code;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new GeneralException(
      `Invalid status_code ${JSON.stringify(status)}: expected 200..599`,
    );
  }
  const noBody = method === "HEAD" || status === 204 || status === 304;
  if (noBody && body instanceof ReadableStream) body.cancel().catch(() => {});
  const headers = headersToSend(response);
  return { status, headers, body: noBody ? null : body };
}
