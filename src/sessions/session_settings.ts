/**
 * The session settings, their defaults, and the startup checks that reject
 * invalid values before any cookie is sent.
 *
 * @module
 */

import { isValidCookieName } from "../http/cookie.ts";
import { ConfigError } from "../http/errors.ts";
import type { App } from "../core/app.ts";
import { ServerCheck } from "../core/middleware.ts";
import type { SessionStore } from "./session_store.ts";

/** The session settings, given as router options. */
export interface SessionSettings {
  /** The cookie name; an RFC 6265 token. @default "swsession" */
  session_cookie_name: string;
  /** Send the cookie over HTTPS only (HTTPS requests always get it). @default false */
  session_cookie_secure: boolean;
  /** Hide the cookie from client-side JavaScript. @default true */
  session_cookie_http_only: boolean;
  /** "strict", "lax" or "none" (needs secure). @default "lax" */
  session_cookie_same_site:
    | "strict"
    | "lax"
    | "none"
    // Any other spelling is checked at startup (autocomplete keeps the three).
    | (string & Record<never, never>);
  /** The cookie's path. @default "/" */
  session_cookie_path: string;
  /** The cookie's domain; none by default. */
  session_cookie_domain: string | undefined;
  /** Idle timeout in seconds. @default 1209600 (two weeks) */
  session_max_age: number;
  /** Hard cap from creation in seconds; none by default. */
  session_absolute_max_age: number | null;
  /** Seconds between sweeps of expired sessions; 0 disables. @default 3600 */
  session_purge_interval: number;
  /** Another store (Redis, PostgreSQL…); the app's SQLite by default. */
  session_store: SessionStore | undefined;
  /** Session cookies without `Max-Age`/`Expires` (unless `setExpiry` says otherwise). @default false */
  session_expire_at_browser_close: boolean;
}

/** The session settings as router options, each optional. */
export type SessionOptions = Partial<SessionSettings>;

/** The names of the session settings. */
export const SESSION_OPTION_KEYS: readonly string[] = Object.keys(
  {
    session_cookie_name: true,
    session_cookie_secure: true,
    session_cookie_http_only: true,
    session_cookie_same_site: true,
    session_cookie_path: true,
    session_cookie_domain: true,
    session_max_age: true,
    session_absolute_max_age: true,
    session_purge_interval: true,
    session_store: true,
    session_expire_at_browser_close: true,
  } satisfies Record<keyof SessionSettings, true>,
);

/** Reads the session settings from the router's options, with defaults. */
export function sessionSettings(server: App): SessionSettings {
  const o = server.options as Partial<SessionSettings>;
  return {
    session_cookie_name: o.session_cookie_name ?? "swsession",
    session_cookie_secure: o.session_cookie_secure ?? false,
    session_cookie_http_only: o.session_cookie_http_only ?? true,
    session_cookie_same_site: o.session_cookie_same_site ?? "lax",
    session_cookie_path: o.session_cookie_path ?? "/",
    session_cookie_domain: o.session_cookie_domain ?? undefined,
    session_max_age: o.session_max_age ?? 1209600,
    session_absolute_max_age: o.session_absolute_max_age ?? null,
    session_purge_interval: o.session_purge_interval ?? 3600,
    session_store: o.session_store,
    session_expire_at_browser_close: o.session_expire_at_browser_close
      ?? false,
  };
}

const ATTRIBUTE = /^[\x21-\x3A\x3C-\x7E]+$/;

function settingError(name: string, why: string): ConfigError {
  return new ConfigError(`Invalid ${name}: ${why}`);
}

/**
 * The cookie name must be a token; `__Host-`/`__Secure-` rules hold.
 *
 * @example A failing configuration
 * ```ts
 * import { SessionMiddleware, SpiderwebRouter, StartupErrors } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware], session_cookie_name: "a b" });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class CheckSessionCookieName extends ServerCheck {
  /**
   * Returns the first problem with the cookie name.
   *
   * @returns the problem found, else nothing
   */
  override check(): ConfigError | undefined {
    const s = sessionSettings(this.server);
    const name = s.session_cookie_name;
    if (typeof name !== "string" || !isValidCookieName(name)) {
      return settingError(
        "session_cookie_name",
        `${JSON.stringify(name)} is not an RFC 6265 token`,
      );
    }
    if (name.startsWith("__Secure-") && !s.session_cookie_secure) {
      return settingError(
        "session_cookie_name",
        "a __Secure- cookie needs session_cookie_secure",
      );
    }
    if (
      name.startsWith("__Host-")
      && (!s.session_cookie_secure || s.session_cookie_path !== "/"
        || s.session_cookie_domain)
    ) {
      return settingError(
        "session_cookie_name",
        "a __Host- cookie needs session_cookie_secure, session_cookie_path \"/\" and no session_cookie_domain",
      );
    }
  }
}

/**
 * SameSite must be strict, lax or none; none needs Secure.
 *
 * @example A failing configuration
 * ```ts
 * import { SessionMiddleware, SpiderwebRouter, StartupErrors } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware], session_cookie_same_site: "none" });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class CheckSessionCookieSameSite extends ServerCheck {
  /**
   * Returns the problem with the same-site setting.
   *
   * @returns the problem found, else nothing
   */
  override check(): ConfigError | undefined {
    const s = sessionSettings(this.server);
    const value = s.session_cookie_same_site;
    if (
      typeof value !== "string"
      || !["strict", "lax", "none"].includes(value.toLowerCase())
    ) {
      return settingError(
        "session_cookie_same_site",
        `${JSON.stringify(value)} is not one of "strict", "lax" or "none"`,
      );
    }
    if (value.toLowerCase() === "none" && !s.session_cookie_secure) {
      return settingError(
        "session_cookie_same_site",
        "\"none\" requires session_cookie_secure: browsers refuse SameSite=None without Secure",
      );
    }
  }
}

/**
 * Path and domain must not be able to inject attributes.
 *
 * @example A failing configuration
 * ```ts
 * import { SessionMiddleware, SpiderwebRouter, StartupErrors } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware], session_cookie_path: "no-slash" });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class CheckSessionCookiePathAndDomain extends ServerCheck {
  /**
   * Returns the problem with the path or domain.
   *
   * @returns the problem found, else nothing
   */
  override check(): ConfigError | undefined {
    const s = sessionSettings(this.server);
    const path = s.session_cookie_path;
    if (
      typeof path !== "string" || !path.startsWith("/") || !ATTRIBUTE.test(path)
    ) {
      return settingError(
        "session_cookie_path",
        `${
          JSON.stringify(path)
        } must start with "/" and hold no ";", spaces or control characters`,
      );
    }
    const domain = s.session_cookie_domain;
    if (
      domain !== undefined
      && (typeof domain !== "string" || !ATTRIBUTE.test(domain))
    ) {
      return settingError(
        "session_cookie_domain",
        `${JSON.stringify(domain)} holds ";", spaces or control characters`,
      );
    }
  }
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

/**
 * Ages must be positive whole seconds; the purge interval non-negative.
 *
 * @example A failing configuration
 * ```ts
 * import { SessionMiddleware, SpiderwebRouter, StartupErrors } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware], session_max_age: 0 });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class CheckSessionAges extends ServerCheck {
  /**
   * Returns the problem with an age setting.
   *
   * @returns the problem found, else nothing
   */
  override check(): ConfigError | undefined {
    const s = sessionSettings(this.server);
    if (!isPositiveInteger(s.session_max_age)) {
      return settingError(
        "session_max_age",
        `${
          JSON.stringify(s.session_max_age)
        } is not a positive whole number of seconds`,
      );
    }
    const absolute = s.session_absolute_max_age;
    if (absolute !== null && !isPositiveInteger(absolute)) {
      return settingError(
        "session_absolute_max_age",
        `${JSON.stringify(absolute)} is not a positive whole number of seconds`,
      );
    }
    const purge = s.session_purge_interval;
    if (
      !(typeof purge === "number" && Number.isSafeInteger(purge) && purge >= 0)
    ) {
      return settingError(
        "session_purge_interval",
        `${
          JSON.stringify(purge)
        } is not a whole number of seconds (0 disables)`,
      );
    }
    const close = s.session_expire_at_browser_close;
    if (typeof close !== "boolean") {
      return settingError(
        "session_expire_at_browser_close",
        `${JSON.stringify(close)} is not a boolean`,
      );
    }
  }
}
