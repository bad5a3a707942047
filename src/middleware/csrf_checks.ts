/**
 * The startup checks of `CSRFMiddleware`, as in spiderweb: sessions present
 * and listed above CSRF, trusted origins well formed, `csrf_max_age` whole.
 *
 * @module
 */

import { type MiddlewareClass, ServerCheck } from "../core/middleware.ts";
import { ConfigError } from "../http/errors.ts";
import {
  type OriginPattern,
  originPatternProblem,
} from "../http/trusted_origins.ts";
import { SessionMiddleware } from "../sessions/session_middleware.ts";

/** The CSRF settings, as router options. */
export interface CsrfOptions {
  /** Origins trusted without a token: exact, `*.` wildcards, or RegExps. @default [] */
  csrf_trusted_origins?: readonly OriginPattern[];
  /** Seconds a token stays valid. @default 3600 */
  csrf_max_age?: number;
  /** The header that carries the token, both ways. @default "X-CSRF-Token" */
  csrf_header_name?: string;
}

/** The names of the CSRF settings. */
export const CSRF_OPTION_KEYS: readonly string[] = Object.keys(
  {
    csrf_trusted_origins: true,
    csrf_max_age: true,
    csrf_header_name: true,
  } satisfies Record<keyof CsrfOptions, true>,
);

// RFC 9110 §5.1: a field name is a token.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Sessions middleware must be present…
 *
 * @example A failing configuration
 * ```ts
 * import { CSRFMiddleware, SpiderwebRouter, StartupErrors } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [CSRFMiddleware] });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class CheckForSessionMiddleware extends ServerCheck {
  /**
   * Fails without SessionMiddleware.
   *
   * @returns the problem found, else nothing
   */
  override check(): ConfigError | undefined {
    if (!this.server.middleware.some((m) => m instanceof SessionMiddleware)) {
      return new ConfigError(
        "CSRFMiddleware requires SessionMiddleware: add it above CSRFMiddleware",
      );
    }
  }
}

/**
 * …and listed above CSRF.
 *
 * @example A failing configuration
 * ```ts
 * import { CSRFMiddleware, SessionMiddleware, SpiderwebRouter, StartupErrors } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [CSRFMiddleware, SessionMiddleware] });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class VerifyCorrectMiddlewarePlacement extends ServerCheck {
  /**
   * Fails when SessionMiddleware comes after CSRFMiddleware.
   *
   * @returns the problem found, else nothing
   */
  override check(): ConfigError | undefined {
    const list = this.server.middleware;
    const session = list.findIndex((m) => m instanceof SessionMiddleware);
    // The CSRF middleware is the one whose class declares this check.
    const csrf = list.findIndex((m) =>
      (m.constructor as MiddlewareClass).checks?.includes(
        VerifyCorrectMiddlewarePlacement,
      )
    );
    if (session !== -1 && session > csrf) {
      return new ConfigError(
        "SessionMiddleware must be listed above CSRFMiddleware",
      );
    }
  }
}

/**
 * Trusted origins must be origins, and `csrf_max_age` an integer.
 *
 * @example A failing configuration
 * ```ts
 * import { CSRFMiddleware, SessionMiddleware, SpiderwebRouter, StartupErrors } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware, CSRFMiddleware], csrf_trusted_origins: ["example.com/path"] });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class VerifyCorrectFormatForTrustedOrigins extends ServerCheck {
  /**
   * Fails on the first malformed entry.
   *
   * @returns the problem found, else nothing
   */
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
    const header = options.csrf_header_name;
    if (
      header !== undefined
      && (typeof header !== "string" || !HEADER_NAME.test(header))
    ) {
      return new ConfigError(
        `Invalid csrf_header_name: ${
          JSON.stringify(header)
        } is not an HTTP header name`,
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
