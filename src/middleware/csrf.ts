/**
 * `CSRFMiddleware`: every unsafe method needs a token bound to the session
 * (or a trusted `Origin`); tokens are HMACs with a timestamp, checked in
 * constant time, and issued without breaking lazy sessions.
 *
 * @module
 */

import type { App } from "../core/app.ts";
import { SpiderwebMiddleware } from "../core/middleware.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import type { HttpResponse, ResponseBody } from "../core/response.ts";
import { ConfigError } from "../http/errors.ts";
import { CSRFError } from "../http/status_errors.ts";
import {
  compileTrustedOrigins,
  type OriginPattern,
  originPatternProblem,
  sameOrigin,
} from "../http/trusted_origins.ts";
import { CsrfTokens } from "../security/csrf_token.ts";
import { appSecret } from "../security/secret_key.ts";
import { sessionOf } from "../sessions/session_middleware.ts";
import {
  CheckForSessionMiddleware,
  VerifyCorrectFormatForTrustedOrigins,
  VerifyCorrectMiddlewarePlacement,
} from "./csrf_checks.ts";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Marks a view as exempt from CSRF checks (sets `csrf_exempt`).
 *
 * @example A webhook that cannot send a token
 * ```ts
 * import { csrfExempt } from "../../mod.ts";
 * const hook = csrfExempt(() => ({ received: true }));
 * console.assert(hook.csrf_exempt === true);
 * ```
 *
 * @param view a view function or `View` class
 * @returns the same view, marked
 */
export function csrfExempt<V extends object>(
  view: V,
): V & { csrf_exempt: true } {
  return Object.assign(view, { csrf_exempt: true as const });
}

/** A template value that creates the session when it is rendered. */
class TokenValue {
  readonly #text: string;
  readonly #onUse: () => void;
  /** Marks the value as safe HTML for autoescaping template engines. */
  readonly __safe: boolean;
  constructor(text: string, onUse: () => void, safe: boolean) {
    this.#text = text;
    this.#onUse = onUse;
    this.__safe = safe;
  }
  toString(): string {
    this.#onUse();
    return this.#text;
  }
  toJSON(): string {
    return this.toString();
  }
}

/**
 * Rejects cross-site writes: POST, PUT, PATCH and DELETE need a valid token
 * from the `X-CSRF-Token` header or the `csrf_token` form field, unless the
 * route is exempt or the `Origin` is trusted. Failure is a 403.
 *
 * @example Sessions, then CSRF
 * ```ts
 * import { CSRFMiddleware, SessionMiddleware, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({
 *   db: ":memory:",
 *   secret_key: "change me",
 *   middleware: [SessionMiddleware, CSRFMiddleware],
 * });
 * app.route("/form", async (request) => ({ token: await request.csrfToken() }));
 * app.route("/submit", () => ({ ok: true }), { allowed_methods: ["POST"] });
 * const denied = await app.fetch(new Request("http://localhost/submit", { method: "POST" }));
 * console.assert(denied.status === 403);
 * await app.close();
 * ```
 */
export class CSRFMiddleware extends SpiderwebMiddleware {
  /** The checks of the original: sessions present and above, origins well formed. */
  static override checks = [
    CheckForSessionMiddleware,
    VerifyCorrectMiddlewarePlacement,
    VerifyCorrectFormatForTrustedOrigins,
  ];

  /** How long a token stays valid, in seconds. */
  readonly maxAge: number;
  /** The header that carries the token, both ways. @default "X-CSRF-Token" */
  readonly headerName: string;
  readonly #trusted: (origin: string) => boolean;
  readonly #tokens: CsrfTokens;

  /**
   * Creates the middleware for an app.
   *
   * @param server the app; `csrf_max_age`, `csrf_trusted_origins` and
   *   `csrf_header_name` are read from its options
   */
  constructor(server: App) {
    super(server);
    this.maxAge = Number(server.options.csrf_max_age ?? 3600);
    this.headerName = String(server.options.csrf_header_name ?? "X-CSRF-Token");
    this.#tokens = new CsrfTokens(() => appSecret(server), this.maxAge);
    const entries = server.options.csrf_trusted_origins as OriginPattern[];
    // Malformed entries are reported by the check; ignore them here.
    this.#trusted = compileTrustedOrigins(
      (Array.isArray(entries) ? entries : []).filter((e) =>
        !originPatternProblem(e)
      ),
    );
  }

  /**
   * A new token for a session key: `<unix seconds>.<base64url HMAC>`.
   *
   * @param sessionKey the session key the token is bound to
   * @param now the time, epoch ms
   * @returns the token
   */
  tokenFor(sessionKey: string, now: number = Date.now()): Promise<string> {
    return Promise.resolve(this.#tokens.mint(sessionKey, now));
  }

  /**
   * Checks a token.
   *
   * @param token the token as sent
   * @param sessionKey the key of the session it must be bound to
   * @returns true when it was minted for `sessionKey` and is still fresh
   */
  isValid(token: string, sessionKey: string): Promise<boolean> {
    return Promise.resolve(this.#tokens.verify(token, sessionKey));
  }

  #isExempt(request: SpiderwebRequest): boolean {
    const route = request.route;
    // Error views and automatic answers (404, 405, OPTIONS) are not checked.
    if (!route || request.handler !== (route as { view?: unknown }).view) {
      return true;
    }
    const handler = request.handler as { csrf_exempt?: boolean };
    return route.csrf_exempt || handler.csrf_exempt === true;
  }

  #ownOrigin(request: SpiderwebRequest): string {
    const host = request.headers.get("host") ?? request.url.host;
    return `${request.isSecure() ? "https" : "http"}://${host}`;
  }

  /**
   * Checks unsafe methods: a trusted `Origin`, or a valid token bound to the
   * live session; anything else is a `CSRFError` (403).
   *
   * @param request the request
   */
  override processRequest(request: SpiderwebRequest): void {
    if (!UNSAFE.has(request.method) || this.#isExempt(request)) return;
    const reason = this.#rejection(request);
    if (reason) {
      // Django's form; the 403 body stays generic.
      this.server.log.warn(`Forbidden (${reason}): ${request.path}`);
      throw new CSRFError();
    }
  }

  // Why the request must be refused, or undefined when it may go on.
  #rejection(request: SpiderwebRequest): string | undefined {
    const origin = request.headers.get("origin");
    if (origin !== null && this.#trusted(origin)) return undefined;
    if (request.headers.get("sec-fetch-site") === "cross-site") {
      return "Cross-site request (Sec-Fetch-Site: cross-site).";
    }
    const own = this.#ownOrigin(request);
    if (origin !== null) {
      if (!sameOrigin(origin, own)) {
        return `Origin checking failed - ${origin} does not match any trusted origins.`;
      }
    } else if (request.isSecure()) {
      const problem = this.#refererProblem(request.headers.get("referer"), own);
      if (problem) return `Referer checking failed - ${problem}`;
    }
    const token = request.headers.get(this.headerName)
      ?? request.POST.get("csrf_token");
    if (!token) return "CSRF token missing.";
    const sessionKey = sessionOf(request)?.liveKey;
    if (!sessionKey) return "CSRF session not found.";
    if (!this.#tokens.verify(token, sessionKey)) {
      return "CSRF token incorrect or expired.";
    }
    return undefined;
  }

  // Django's rule for HTTPS without Origin: a Referer from this origin or a
  // trusted one, over HTTPS, must be present.
  #refererProblem(referer: string | null, own: string): string | undefined {
    if (referer === null) return "no Referer.";
    let url: URL;
    try {
      url = new URL(referer);
    } catch {
      return "Referer is malformed.";
    }
    if (!url.host) return "Referer is malformed.";
    if (url.protocol !== "https:") {
      return "Referer is insecure while host is secure.";
    }
    if (!sameOrigin(url.origin, own) && !this.#trusted(url.origin)) {
      return `${referer} does not match any trusted origins.`;
    }
    return undefined;
  }

  /**
   * A token for the request's session (`request.csrfToken()` calls this);
   * the session is created if it does not exist yet.
   *
   * @param request the request
   * @returns the token
   * @throws ConfigError when the request has no session
   */
  csrfTokenFor(request: SpiderwebRequest): Promise<string> {
    const session = sessionOf(request);
    if (!session) {
      return Promise.reject(
        new ConfigError("CSRFMiddleware requires SessionMiddleware"),
      );
    }
    session.markNeeded();
    return this.tokenFor(session.keyForToken());
  }

  /**
   * Puts `csrf_token`, `csrf_token_raw` and `raw_csrf_token` in a template's
   * context; the session is created only if a template uses them.
   *
   * @param request the request
   * @param response the response
   */
  override processResponse(
    request: SpiderwebRequest,
    response: HttpResponse,
  ): void {
    // Only rendered templates read the context; plain responses pay nothing.
    const session = sessionOf(request);
    if (!response.rendersContext || !session) return;
    const token = this.#tokens.mint(session.keyForToken());
    const use = () => session.markNeeded();
    const input = `<input type="hidden" name="csrf_token" value="${token}">`;
    response.context.csrf_token = new TokenValue(input, use, true);
    response.context.csrf_token_raw = new TokenValue(token, use, false);
    response.context.raw_csrf_token = response.context.csrf_token_raw;
  }

  /**
   * Sends a fresh token in `X-CSRF-Token` on every response whose request has
   * (or gets) a session.
   *
   * @param request the request
   * @param response the response
   * @param body the rendered body, returned unchanged
   * @returns the body
   */
  override postProcess(
    request: SpiderwebRequest,
    response: HttpResponse,
    body: ResponseBody | null,
  ): ResponseBody | null {
    const key = sessionOf(request)?.keyForResponse();
    if (key && response.status_code < 500) {
      response.headers.set(this.headerName, this.#tokens.mint(key));
      response.headers.set("cache-control", "no-store");
    }
    return body;
  }
}
