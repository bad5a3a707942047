/**
 * The settings of `CorsMiddleware` (django-cors-headers' names), their
 * defaults, and the startup check that rejects every malformed one with a
 * `ConfigError` naming the setting and the value.
 *
 * @module
 */

import { ServerCheck } from "../core/middleware.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import { ConfigError, StartupErrors } from "../http/errors.ts";

/** The CORS settings, given as router options. */
export interface CorsSettings {
  /** Origins allowed to read responses: `scheme://host[:port]`, `"null"` or `"file://"`. @default [] */
  cors_allowed_origins: readonly string[];
  /** Regexes (strings or RegExps) matched from the start of the Origin. @default [] */
  cors_allowed_origin_regexes: readonly (string | RegExp)[];
  /** Allow every (well-formed) origin. @default false */
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
  /**
   * Decides per request, as django-cors-headers' `check_request_enabled`
   * signal: when it returns true, CORS applies and the request's origin is
   * allowed whatever the lists say.
   */
  cors_allow_request:
    | ((request: SpiderwebRequest) => boolean | Promise<boolean>)
    | undefined;
}

/** The CORS settings as router options, each optional. */
export type CorsOptions = Partial<CorsSettings>;

/** The names of the CORS settings. */
export const CORS_OPTION_KEYS: readonly string[] = Object.keys(
  {
    cors_allowed_origins: true,
    cors_allowed_origin_regexes: true,
    cors_allow_all_origins: true,
    cors_urls_regex: true,
    cors_allow_methods: true,
    cors_allow_headers: true,
    cors_expose_headers: true,
    cors_preflight_max_age: true,
    cors_allow_credentials: true,
    cors_allow_private_network: true,
    cors_allow_request: true,
  } satisfies Record<keyof CorsSettings, true>,
);

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

/**
 * The CORS settings from an app's options, with defaults.
 *
 * @param options the app's options
 * @returns the settings (as given: `corsProblems` says what is wrong)
 */
export function corsSettings(
  options: Readonly<Record<string, unknown>>,
): CorsSettings {
  const o = options as Partial<CorsSettings>;
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
    cors_allow_request: o.cors_allow_request,
  };
}

// An origin as browsers send it: no path, query, fragment or credentials.
const ORIGIN =
  /^[a-z][a-z0-9+.-]*:\/\/(\[[0-9a-f:.]+\]|[^\s/?#@:\[\]]+)(:\d{1,5})?$/i;

/**
 * Whether a value is an origin a browser could send (or `"null"`, or
 * `"file://"`).
 *
 * @param origin the value
 * @returns true when well formed
 */
export function isWellFormedOrigin(origin: string): boolean {
  return origin === "null" || origin === "file://" || ORIGIN.test(origin);
}

function compiles(pattern: unknown): boolean {
  if (pattern instanceof RegExp) return true;
  if (typeof pattern !== "string") return false;
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

const show = (value: unknown) =>
  value instanceof RegExp
    ? String(value)
    : JSON.stringify(value) ?? String(value);

/**
 * Every problem with the CORS settings.
 *
 * @param s the settings
 * @returns one `ConfigError` per bad setting or entry
 */
export function corsProblems(s: CorsSettings): ConfigError[] {
  const problems: ConfigError[] = [];
  const bad = (name: string, value: unknown, why: string) =>
    problems.push(new ConfigError(`Invalid ${name}: ${show(value)} ${why}`));
  const list = (
    name: keyof CorsSettings,
    ok: (entry: unknown) => boolean,
    why: string,
  ) => {
    const value = s[name];
    if (!Array.isArray(value)) return bad(name, value, "is not a list");
    for (const entry of value) if (!ok(entry)) bad(name, entry, why);
  };
  list(
    "cors_allowed_origins",
    (e) => typeof e === "string" && isWellFormedOrigin(e),
    "is not an origin: use scheme://host[:port] with no path, query or trailing slash, \"null\" or \"file://\"",
  );
  list(
    "cors_allowed_origin_regexes",
    compiles,
    "is not a string or RegExp that compiles",
  );
  for (
    const name of [
      "cors_allow_methods",
      "cors_allow_headers",
      "cors_expose_headers",
    ] as const
  ) {
    list(name, (e) => typeof e === "string", "is not a string");
  }
  const age = s.cors_preflight_max_age;
  if (!Number.isSafeInteger(age) || age < 0) {
    bad(
      "cors_preflight_max_age",
      age,
      "is not a non-negative whole number of seconds",
    );
  }
  for (
    const name of [
      "cors_allow_credentials",
      "cors_allow_all_origins",
      "cors_allow_private_network",
    ] as const
  ) {
    if (typeof s[name] !== "boolean") bad(name, s[name], "is not a boolean");
  }
  if (!compiles(s.cors_urls_regex)) {
    bad(
      "cors_urls_regex",
      s.cors_urls_regex,
      "is not a string or RegExp that compiles",
    );
  }
  const hook = s.cors_allow_request;
  if (hook !== undefined && typeof hook !== "function") {
    bad("cors_allow_request", hook, "is not a function");
  }
  return problems;
}

/**
 * Every CORS setting must be well formed, and some origin must be allowable.
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
   * Checks every CORS setting.
   *
   * @returns the problems found (several as `StartupErrors`), else nothing
   */
  override check(): Error | undefined {
    const s = corsSettings(this.server.options);
    const problems = corsProblems(s);
    if (
      !problems.length && !s.cors_allowed_origins.length
      && !s.cors_allowed_origin_regexes.length && !s.cors_allow_all_origins
      && !s.cors_allow_request
    ) {
      problems.push(
        new ConfigError(
          "CorsMiddleware needs cors_allowed_origins, cors_allowed_origin_regexes, cors_allow_all_origins or cors_allow_request",
        ),
      );
    }
    if (problems.length > 1) return new StartupErrors(problems);
    return problems[0];
  }
}
