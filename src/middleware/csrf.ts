/**
 * `CSRFMiddleware`: every unsafe method needs a token bound to the session
 * (or a trusted `Origin`); tokens are HMACs with a timestamp, checked in
 * constant time, and issued without breaking lazy sessions.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { ConfigError, CSRFError } from "../http/errors.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import type { HttpResponse, ResponseBody } from "../core/response.ts";
import type { App } from "../core/app.ts";
import {
  createHmac,
  createSecretKey,
  type KeyObject,
  timingSafeEqual,
} from "node:crypto";
import { appSecret, deriveKeyBytes } from "../security/secret_key.ts";
import { ServerCheck, SpiderwebMiddleware } from "../core/middleware.ts";
import {
  compileTrustedOrigins,
  type OriginPattern,
  originPatternProblem,
  sameOrigin,
} from "../http/trusted_origins.ts";
import {
  SessionMiddleware,
  sessionOf,
} from "../sessions/session_middleware.ts";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const MAX_CLOCK_SKEW = 60;

/**
 * Marks a view as exempt from CSRF checks (sets `csrf_exempt`).
 *
 * @example A webhook that cannot send a token
 * ```ts
 * import { csrfExempt } from "../../mod.ts";
 * const hook = csrfExempt(() => ({ received: true }));
 * console.assert(hook.csrf_exempt === true);
 * ```
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

/** Sessions middleware must be present… */
export class CheckForSessionMiddleware extends ServerCheck {
  /** Fails without SessionMiddleware. */
  override check(): ConfigError | undefined {
    if (!this.server.middleware.some((m) => m instanceof SessionMiddleware)) {
      return new ConfigError(
        "CSRFMiddleware requires SessionMiddleware: add it above CSRFMiddleware",
      );
    }
  }
}

/** …and listed above CSRF. */
export class VerifyCorrectMiddlewarePlacement extends ServerCheck {
  /** Fails when SessionMiddleware comes after CSRFMiddleware. */
  override check(): ConfigError | undefined {
    const list = this.server.middleware;
    const session = list.findIndex((m) => m instanceof SessionMiddleware);
    const csrf = list.findIndex((m) => m instanceof CSRFMiddleware);
    if (session !== -1 && session > csrf) {
      return new ConfigError(
        "SessionMiddleware must be listed above CSRFMiddleware",
      );
    }
  }
}

/** Trusted origins must be origins, and `csrf_max_age` an integer. */
export class VerifyCorrectFormatForTrustedOrigins extends ServerCheck {
  /** Fails on the first malformed entry. */
  override check(): ConfigError | undefined {
    const options = this.server.options;
    const maxAge = options.csrf_max_age;
    if (maxAge !== undefined && !Number.isSafeInteger(maxAge)) {
      return new ConfigError(
        `Invalid csrf_max_age: ${
          JSON.stringify(maxAge)
        } is not a whole number of seconds`,
      );
    }
    const entries = options.csrf_trusted_origins ?? [];
    if (!Array.isArray(entries)) {
      return new ConfigError("Invalid csrf_trusted_origins: expected a list");
    }
    for (const entry of entries) {
      const problem = originPatternProblem(entry);
      if (problem) {
        return new ConfigError(
          `Invalid csrf_trusted_origins entry: ${problem}`,
        );
      }
    }
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
  readonly #trusted: (origin: string) => boolean;
  #key: Promise<KeyObject> | undefined;

  /** Creates the middleware for a router. */
  constructor(server: App) {
    super(server);
    this.maxAge = Number(server.options.csrf_max_age ?? 3600);
    const entries = server.options.csrf_trusted_origins as OriginPattern[];
    // Malformed entries are reported by the check; ignore them here.
    this.#trusted = compileTrustedOrigins(
      (Array.isArray(entries) ? entries : []).filter((e) =>
        !originPatternProblem(e)
      ),
    );
  }

  // A KeyObject, made once: Node re-imports a raw key on every HMAC.
  #hmacKey(): Promise<KeyObject> {
    return this.#key ??= Promise.resolve().then(async () =>
      createSecretKey(await deriveKeyBytes(appSecret(this.server), "csrf"))
    );
  }

  // node:crypto's HMAC is synchronous and several times faster than an
  // awaited WebCrypto sign on this per-response path.
  #mac(key: KeyObject, seconds: number, sessionKey: string): Buffer {
    return createHmac("sha256", key).update(`${seconds}|${sessionKey}`)
      .digest();
  }

  /** A new token for a session key: `<unix seconds>.<base64url HMAC>`. */
  async tokenFor(
    sessionKey: string,
    now: number = Date.now(),
  ): Promise<string> {
    const seconds = Math.floor(now / 1000);
    const mac = this.#mac(await this.#hmacKey(), seconds, sessionKey);
    return `${seconds}.${mac.toString("base64url")}`;
  }

  /** True when `token` was minted for `sessionKey` and is still fresh. */
  async isValid(token: string, sessionKey: string): Promise<boolean> {
    const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return false;
    const seconds = Number(match[1]);
    const now = Math.floor(Date.now() / 1000);
    if (now - seconds > this.maxAge || seconds - now > MAX_CLOCK_SKEW) {
      return false;
    }
    const given = Buffer.from(match[2], "base64url");
    const expected = this.#mac(await this.#hmacKey(), seconds, sessionKey);
    // Constant-time comparison of equal-length MACs.
    return given.length === expected.length && timingSafeEqual(given, expected);
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

  /** Checks unsafe methods; offers `request.csrfToken()`. */
  override async processRequest(request: SpiderwebRequest): Promise<void> {
    if (!UNSAFE.has(request.method) || this.#isExempt(request)) return;
    const origin = request.headers.get("origin");
    if (origin !== null && this.#trusted(origin)) return;
    if (request.headers.get("sec-fetch-site") === "cross-site") {
      throw new CSRFError();
    }
    if (origin !== null && !sameOrigin(origin, this.#ownOrigin(request))) {
      throw new CSRFError();
    }
    const token = request.headers.get("x-csrf-token")
      ?? request.POST.get("csrf_token");
    const sessionKey = sessionOf(request)?.liveKey;
    if (!token || !sessionKey || !await this.isValid(token, sessionKey)) {
      throw new CSRFError();
    }
  }

  /**
   * A token for the request's session (`request.csrfToken()` calls this);
   * the session is created if it does not exist yet.
   *
   * @param request the request
   * @returns the token
   * @throws ConfigError when the request has no session
   */
  async csrfTokenFor(request: SpiderwebRequest): Promise<string> {
    const session = sessionOf(request);
    if (!session) {
      throw new ConfigError("CSRFMiddleware requires SessionMiddleware");
    }
    session.markNeeded();
    return await this.tokenFor(session.keyForToken());
  }

  /** Puts `csrf_token`, `csrf_token_raw` and `raw_csrf_token` in the context. */
  override async processResponse(
    request: SpiderwebRequest,
    response: HttpResponse,
  ): Promise<void> {
    // Only rendered templates read the context; plain responses pay nothing.
    const session = sessionOf(request);
    if (!response.rendersContext || !session) return;
    const token = await this.tokenFor(session.keyForToken());
    const use = () => session.markNeeded();
    const input = `<input type="hidden" name="csrf_token" value="${token}">`;
    response.context.csrf_token = new TokenValue(input, use, true);
    response.context.csrf_token_raw = new TokenValue(token, use, false);
    response.context.raw_csrf_token = response.context.csrf_token_raw;
  }

  /** Sends a fresh token on every response whose request has a session. */
  override async postProcess(
    request: SpiderwebRequest,
    response: HttpResponse,
    body: ResponseBody | null,
  ): Promise<ResponseBody | null> {
    const key = sessionOf(request)?.keyForResponse();
    if (key && response.status_code < 500) {
      response.headers.set("x-csrf-token", await this.tokenFor(key));
      response.headers.set("cache-control", "no-store");
    }
    return body;
  }
}
