/**
 * `CorsMiddleware`: Cross-Origin Resource Sharing, a faithful port of
 * spiderweb's (itself a port of django-cors-headers).
 *
 * @module
 */

import { ConfigError } from "../http/errors.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import { HttpResponse } from "../core/response.ts";
import type { App } from "../core/app.ts";
import { ServerCheck, SpiderwebMiddleware } from "../core/middleware.ts";
import { sameOrigin } from "../http/trusted_origins.ts";

/** The CORS settings, given as router options. */
export interface CorsSettings {
  /** Origins allowed to read responses, e.g. "https://app.example". @default [] */
  cors_allowed_origins: readonly string[];
  /** Regexes (strings or RegExps) matched from the start of the Origin. @default [] */
  cors_allowed_origin_regexes: readonly (string | RegExp)[];
  /** Allow every origin. @default false */
  cors_allow_all_origins: boolean;
  /** Paths CORS applies to, matched from the start. @default "^.*$" */
  cors_urls_regex: string | RegExp;
  /** Methods answered to preflights. @default DELETE GET OPTIONS PATCH POST PUT */
  cors_allow_methods: readonly string[];
  /** Request headers answered to preflights. */
  cors_allow_headers: readonly string[];
  /** Response headers the browser may expose. @default [] */
  cors_expose_headers: readonly string[];
  /** Seconds a preflight may be cached; 0 omits the header. @default 86400 */
  cors_preflight_max_age: number;
  /** Allow cookies and credentials. @default false */
  cors_allow_credentials: boolean;
  /** Answer Private Network Access preflights. @default false */
  cors_allow_private_network: boolean;
}

/** The default `cors_allow_headers`. */
export const DEFAULT_CORS_HEADERS: readonly string[] = [
  "accept",
  "authorization",
  "content-type",
  "user-agent",
  "x-csrftoken",
  "x-requested-with",
];

/** The default `cors_allow_methods`. */
export const DEFAULT_CORS_METHODS: readonly string[] = [
  "DELETE",
  "GET",
  "OPTIONS",
  "PATCH",
  "POST",
  "PUT",
];

/** Reads the CORS settings from the router's options, with defaults. */
export function corsSettings(server: App): CorsSettings {
  const o = server.options as Partial<CorsSettings>;
  return {
    cors_allowed_origins: o.cors_allowed_origins ?? [],
    cors_allowed_origin_regexes: o.cors_allowed_origin_regexes ?? [],
    cors_allow_all_origins: o.cors_allow_all_origins ?? false,
    cors_urls_regex: o.cors_urls_regex ?? "^.*$",
    cors_allow_methods: o.cors_allow_methods ?? DEFAULT_CORS_METHODS,
    cors_allow_headers: o.cors_allow_headers ?? DEFAULT_CORS_HEADERS,
    cors_expose_headers: o.cors_expose_headers ?? [],
    cors_preflight_max_age: o.cors_preflight_max_age ?? 86400,
    cors_allow_credentials: o.cors_allow_credentials ?? false,
    cors_allow_private_network: o.cors_allow_private_network ?? false,
  };
}

// Python's re.match: anchored at the start only (the sticky flag).
function startAnchored(pattern: string | RegExp): RegExp {
  const source = pattern instanceof RegExp ? pattern.source : pattern;
  const flags = pattern instanceof RegExp
    ? pattern.flags.replace(/[gy]/g, "")
    : "";
  return new RegExp(source, `${flags}y`);
}

function matchesFromStart(regex: RegExp, text: string): boolean {
  regex.lastIndex = 0;
  return regex.test(text);
}

/**
 * At least one way of allowing origins must be configured.
 *
 * @example A failing configuration
 * ```ts
 * import { CorsMiddleware, SpiderwebRouter, StartupErrors } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [CorsMiddleware] });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class VerifyValidCorsSetting extends ServerCheck {
  /**
   * Fails when no origin could ever be allowed.
   *
   * @returns the problem found, else nothing
   */
  override check(): ConfigError | undefined {
    const s = corsSettings(this.server);
    if (
      !s.cors_allowed_origins.length && !s.cors_allowed_origin_regexes.length
      && !s.cors_allow_all_origins
    ) {
      return new ConfigError(
        "CorsMiddleware needs cors_allowed_origins, cors_allowed_origin_regexes or cors_allow_all_origins",
      );
    }
  }
}

const enabled = new WeakMap<SpiderwebRequest, boolean>();

/**
 * Adds CORS headers, answers preflights on any path, and always varies on
 * `Origin`. With credentials, the allowed origin is echoed, never `*`.
 *
 * @example Allowing one origin
 * ```ts
 * import { CorsMiddleware, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({
 *   middleware: [CorsMiddleware],
 *   cors_allowed_origins: ["https://app.example"],
 * });
 * app.route("/api", () => ({ ok: true }));
 * const response = await app.fetch(new Request("http://localhost/api", {
 *   headers: { origin: "https://app.example" },
 * }));
 * console.assert(response.headers.get("access-control-allow-origin") === "https://app.example");
 * ```
 */
export class CorsMiddleware extends SpiderwebMiddleware {
  /** Checks that some origin can be allowed. */
  static override checks = [VerifyValidCorsSetting];
  /** The resolved settings. */
  readonly settings: CorsSettings;
  readonly #urls: RegExp;
  readonly #regexes: RegExp[];

  /**
   * Creates the middleware for an app.
   *
   * @param server the app; its `cors_*` options are the settings
   */
  constructor(server: App) {
    super(server);
    this.settings = corsSettings(server);
    this.#urls = startAnchored(this.settings.cors_urls_regex);
    this.#regexes = this.settings.cors_allowed_origin_regexes.map(
      startAnchored,
    );
    if (
      this.settings.cors_allow_all_origins
      && this.settings.cors_allow_credentials
    ) {
      server.log.warn(
        "cors_allow_all_origins with cors_allow_credentials lets any site make credentialed requests",
      );
    }
  }

  /**
   * Whether an origin may read responses.
   *
   * @param origin the `Origin` header
   * @returns true when a list, a regex or `cors_allow_all_origins` allows it
   */
  isOriginAllowed(origin: string): boolean {
    const s = this.settings;
    if (s.cors_allow_all_origins) return true;
    if (origin === "null") return s.cors_allowed_origins.includes("null");
    if (s.cors_allowed_origins.some((allowed) => sameOrigin(origin, allowed))) {
      return true;
    }
    return this.#regexes.some((regex) => matchesFromStart(regex, origin));
  }

  /**
   * Answers preflights (OPTIONS with `Access-Control-Request-Method`).
   *
   * @param request the request
   * @returns the preflight response, or nothing for other requests
   */
  override processRequest(request: SpiderwebRequest): HttpResponse | undefined {
    const on = matchesFromStart(this.#urls, request.path);
    enabled.set(request, on);
    if (
      on && request.method === "OPTIONS"
      && request.headers.has("access-control-request-method")
    ) {
      return new HttpResponse("", {
        status_code: 200,
        headers: { "content-type": "text/plain", "content-length": "0" },
      });
    }
  }

  /**
   * Adds the CORS headers, also to error responses.
   *
   * @param request the request
   * @param response the response
   */
  override processResponse(
    request: SpiderwebRequest,
    response: HttpResponse,
  ): void {
    // Nothing is added when an earlier middleware short-circuited.
    if (!enabled.get(request)) return;
    const vary = response.headers.get("vary");
    if (!vary?.split(",").some((v) => v.trim().toLowerCase() === "origin")) {
      response.headers.set("vary", vary ? `${vary}, origin` : "origin");
    }
    const origin = request.headers.get("origin");
    if (origin === null || !this.isOriginAllowed(origin)) return;
    const s = this.settings;
    const headers = response.headers;
    headers.set(
      "access-control-allow-origin",
      s.cors_allow_all_origins && !s.cors_allow_credentials ? "*" : origin,
    );
    if (s.cors_allow_credentials) {
      headers.set("access-control-allow-credentials", "true");
    }
    if (s.cors_expose_headers.length) {
      headers.set(
        "access-control-expose-headers",
        s.cors_expose_headers.join(", "),
      );
    }
    if (request.method === "OPTIONS") {
      headers.set(
        "access-control-allow-headers",
        s.cors_allow_headers.join(", "),
      );
      headers.set(
        "access-control-allow-methods",
        s.cors_allow_methods.join(", "),
      );
      if (s.cors_preflight_max_age) {
        headers.set("access-control-max-age", String(s.cors_preflight_max_age));
      }
    }
    if (
      s.cors_allow_private_network
      && request.headers.get("access-control-request-private-network")
        === "true"
    ) {
      headers.set("access-control-allow-private-network", "true");
    }
  }
}
