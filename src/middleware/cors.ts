/**
 * `CorsMiddleware`: Cross-Origin Resource Sharing, a faithful port of
 * spiderweb's (itself a port of django-cors-headers).
 *
 * @module
 */

import type { SpiderwebRequest } from "../core/request.ts";
import { HttpResponse } from "../core/response.ts";
import type { App } from "../core/app.ts";
import { SpiderwebMiddleware } from "../core/middleware.ts";
import { canonicalOrigin } from "../http/trusted_origins.ts";
import { addVary } from "../http/vary.ts";
import {
  corsProblems,
  type CorsSettings,
  corsSettings,
  isWellFormedOrigin,
  VerifyValidCorsSetting,
} from "./cors_settings.ts";

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

// Per request: CORS applies, and whether cors_allow_request said yes.
const enabled = new WeakMap<SpiderwebRequest, { forced: boolean }>();

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
  readonly #origins: ReadonlySet<string>;
  readonly #regexes: RegExp[];

  /**
   * Creates the middleware for an app.
   *
   * @param server the app; its `cors_*` options are the settings
   */
  constructor(server: App) {
    super(server);
    const settings = corsSettings(server.options);
    // Bad settings are reported together by the startup check, which runs
    // after construction; until then nothing here may throw on them.
    this.settings = corsProblems(settings).length
      ? corsSettings({})
      : settings;
    this.#origins = new Set(
      this.settings.cors_allowed_origins.flatMap((o) => [
        o,
        canonicalOrigin(o) ?? o,
      ]),
    );
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
    // A value no browser would send is never allowed, whatever the settings.
    if (!isWellFormedOrigin(origin)) return false;
    const s = this.settings;
    if (s.cors_allow_all_origins) return true;
    if (origin === "null" || origin === "file://") {
      return s.cors_allowed_origins.includes(origin);
    }
    // The configured origins were made canonical once; the header is
    // compared as sent, and parsed only when that fails (case, ports).
    if (this.#origins.has(origin)) return true;
    const canonical = canonicalOrigin(origin);
    if (canonical !== null && this.#origins.has(canonical)) return true;
    return this.#regexes.some((regex) => matchesFromStart(regex, origin));
  }

  /**
   * Answers preflights (OPTIONS with `Access-Control-Request-Method`).
   *
   * @param request the request
   * @returns the preflight response, or nothing for other requests
   */
  override processRequest(
    request: SpiderwebRequest,
  ): HttpResponse | undefined | Promise<HttpResponse | undefined> {
    const hook = this.settings.cors_allow_request;
    const decided = hook && request.headers.has("origin")
      ? hook(request)
      : false;
    return decided instanceof Promise
      ? decided.then((forced) => this.#begin(request, forced))
      : this.#begin(request, decided);
  }

  #begin(request: SpiderwebRequest, forced: boolean): HttpResponse | undefined {
    const on = forced || matchesFromStart(this.#urls, request.path);
    if (!on) return undefined;
    enabled.set(request, { forced });
    if (
      request.method === "OPTIONS"
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
    const state = enabled.get(request);
    if (!state) return;
    addVary(response.headers, "origin");
    const origin = request.headers.get("origin");
    if (origin === null) return;
    const allowed = this.isOriginAllowed(origin)
      || (state.forced && isWellFormedOrigin(origin));
    if (!allowed) return;
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
