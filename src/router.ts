/**
 * `SpiderwebRouter`, the composition root: the core engine (`AppBase`) with
 * the features wired in: spiderweb's dotted middleware names, the static and
 * media routes, `request.user` from the session, session maintenance and
 * the `web` command registry.
 *
 * @module
 */

import type { AppWiring } from "./core/app_base.ts";
import { AppBase } from "./core/app_base.ts";
import type { CoreOptions } from "./core/app_options.ts";
import type { MiddlewareClass } from "./core/middleware.ts";
import { loadSessionUser } from "./auth/session_user.ts";
import {
  FILE_OPTION_KEYS,
  type FileOptions,
  registerFileRoutes,
} from "./files/static_files.ts";
import {
  TEMPLATE_OPTION_KEYS,
  type TemplateOptions,
} from "./templates/template_response.ts";
import {
  CSRF_OPTION_KEYS,
  type CsrfOptions,
} from "./middleware/csrf_checks.ts";
import {
  CORS_OPTION_KEYS,
  type CorsOptions,
} from "./middleware/cors_settings.ts";
import { ConfigError } from "./http/errors.ts";
import { CorsMiddleware } from "./middleware/cors.ts";
import { CSRFMiddleware } from "./middleware/csrf.ts";
import {
  GZIP_OPTION_KEYS,
  GzipMiddleware,
  type GzipOptions,
} from "./middleware/gzip.ts";
import { ValidationMiddleware } from "./middleware/validation.ts";
import {
  SessionMiddleware,
  sessionStoreOf,
} from "./sessions/session_middleware.ts";
import {
  SESSION_OPTION_KEYS,
  type SessionOptions,
} from "./sessions/session_settings.ts";

const BUILTIN_MIDDLEWARE: ReadonlyMap<string, MiddlewareClass> = new Map<
  string,
  MiddlewareClass
>([
  ["spiderweb.middleware.sessions.SessionMiddleware", SessionMiddleware],
  ["spiderweb.middleware.csrf.CSRFMiddleware", CSRFMiddleware],
  ["spiderweb.middleware.cors.CorsMiddleware", CorsMiddleware],
  ["spiderweb.middleware.gzip.GzipMiddleware", GzipMiddleware],
  [
    "spiderweb.middleware.validation.ValidationMiddleware",
    ValidationMiddleware,
  ],
  // The original's pydantic middleware maps to Standard Schema validation.
  ["spiderweb.middleware.pydantic.PydanticMiddleware", ValidationMiddleware],
]);

/**
 * The options of `SpiderwebRouter`: the core's and every feature's, each
 * with its default. Keys are snake_case as in spiderweb; an unknown key is a
 * type error (put your own values in `extra_data`).
 */
export interface SpiderwebRouterOptions
  extends
    CoreOptions,
    SessionOptions,
    CsrfOptions,
    CorsOptions,
    GzipOptions,
    FileOptions,
    TemplateOptions
{}

const WIRING: AppWiring = {
  resolveMiddleware(entry) {
    if (typeof entry !== "string") return entry;
    const cls = BUILTIN_MIDDLEWARE.get(entry);
    if (!cls) throw new ConfigError(`Middleware '${entry}' not found.`);
    return cls;
  },
  addBuiltinRoutes: registerFileRoutes,
  loadUser: loadSessionUser,
  knownOptions: [
    ...SESSION_OPTION_KEYS,
    ...CSRF_OPTION_KEYS,
    ...CORS_OPTION_KEYS,
    ...GZIP_OPTION_KEYS,
    ...FILE_OPTION_KEYS,
    ...TEMPLATE_OPTION_KEYS,
  ],
};

/** A custom `web` command: gets the app and the command's arguments. */
export type Command = (app: SpiderwebRouter, args: string[]) => unknown;

/**
 * The application: routes, middleware and settings, served by `start()` or
 * through `fetch()`.
 *
 * @example A small app
 * ```ts
 * import { HttpResponse, SpiderwebRouter } from "../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/user/<int:id>", (_request, { id }) => ({ id: id + 1 }));
 * app.route("/", () => new HttpResponse("Hello"));
 * const response = await app.fetch(new Request("http://localhost/user/41"));
 * console.assert((await response.json()).id === 42);
 * ```
 */
export class SpiderwebRouter extends AppBase {
  readonly #commands = new Map<string, Command>();

  /**
   * Creates the app; construction is synchronous and runs the startup checks.
   *
   * @param options the settings (snake_case, as in spiderweb)
   * @throws ConfigError or StartupErrors for an invalid configuration
   */
  constructor(options: SpiderwebRouterOptions = {}) {
    super(options, WIRING);
  }

  /**
   * Declares a custom `web` command.
   *
   * @example A command that counts routes
   * ```ts
   * import { SpiderwebRouter } from "../mod.ts";
   * const app = new SpiderwebRouter();
   * app.command("count", (app) => console.log(app.routes.length));
   * console.assert(app.commands.has("count"));
   * ```
   *
   * @param name the command's name
   * @param fn runs the command
   */
  command(name: string, fn: Command): void {
    this.#commands.set(name, fn);
  }

  /** The custom `web` commands by name. */
  get commands(): ReadonlyMap<string, Command> {
    return this.#commands;
  }

  /**
   * Deletes expired sessions (the `clearsessions` command).
   *
   * @returns how many were deleted (0 without sessions)
   */
  clearExpiredSessions(): Promise<number> {
    const store = sessionStoreOf(this);
    // A store may answer synchronously or not; callers always get a promise.
    return Promise.resolve().then(() => store?.clearExpired(Date.now()) ?? 0);
  }

  /**
   * Ends every session of a user, on every device.
   *
   * @param userId the user's id
   * @returns how many sessions were ended (0 without sessions)
   */
  revokeUserSessions(userId: string | number): Promise<number> {
    const store = sessionStoreOf(this);
    return Promise.resolve().then(() => store?.revokeUser(String(userId)) ?? 0);
  }
}
