/**
 * `SessionMiddleware`: `request.SESSION` follows a visitor through a cookie.
 * Sessions are lazy (nothing is stored until the data changes), keys are
 * never adopted from the client, only changed keys are written, and the
 * expiry slides with activity.
 *
 * @module
 */

import type { MaybePromise } from "../core/middleware.ts";
import type { App } from "../core/app.ts";
import { SpiderwebMiddleware } from "../core/middleware.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import type { HttpResponse, ResponseBody } from "../core/response.ts";
import { runtime } from "../runtime/load.ts";
import { Session } from "./session.ts";
import type { SessionContext } from "./session_cookie.ts";
import {
  CheckSessionAges,
  CheckSessionCookieName,
  CheckSessionCookiePathAndDomain,
  CheckSessionCookieSameSite,
  type SessionSettings,
  sessionSettings,
} from "./session_settings.ts";
import { type SessionStore, whenDone } from "./session_store.ts";
import { SqliteSessionStore } from "./stores/sqlite_session_store.ts";

/**
 * The session store of an app's `SessionMiddleware`: what maintenance
 * (`clearExpiredSessions`, `revokeUserSessions`, `logoutAll`) works on.
 *
 * @param app the app
 * @returns the store, or undefined when the app has no sessions
 */
export function sessionStoreOf(app: App): SessionStore | undefined {
  for (const middleware of app.middleware) {
    if (middleware instanceof SessionMiddleware) return middleware.store;
  }
  return undefined;
}

/**
 * The `Session` of a request, or null without the sessions middleware.
 *
 * @param request the request
 * @returns its session
 */
export function sessionOf(request: SpiderwebRequest): Session | null {
  return request.session instanceof Session ? request.session : null;
}

/**
 * Keeps `request.SESSION` in a store (SQLite by default) and in a cookie.
 *
 * @example The seed example: a counter per visitor
 * ```ts
 * import { HttpResponse, SessionMiddleware, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware] });
 * app.route("/", (request) => {
 *   const value = "val" in request.SESSION ? Number(request.SESSION.val) + 1 : 0;
 *   request.SESSION.val = value;
 *   return new HttpResponse(`Session value: ${value}`);
 * });
 * const first = await app.fetch(new Request("http://localhost/"));
 * console.assert(await first.text() === "Session value: 0");
 * await app.close();
 * ```
 */
export class SessionMiddleware extends SpiderwebMiddleware {
  /** The settings checks, run when the router is constructed. */
  static override checks = [
    CheckSessionCookieName,
    CheckSessionCookieSameSite,
    CheckSessionCookiePathAndDomain,
    CheckSessionAges,
  ];

  /** The resolved settings. */
  readonly settings: SessionSettings;
  /** Where sessions are kept. */
  readonly store: SessionStore;
  readonly #context: SessionContext;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  /**
   * Creates the middleware for an app.
   *
   * @param server the app; its `session_*` options are the settings
   */
  constructor(server: App) {
    super(server);
    const settings = sessionSettings(server);
    this.settings = settings;
    this.store = settings.session_store
      ?? new SqliteSessionStore({
        db: () => server.db,
        busy_timeout: server.options.db_busy_timeout as number | undefined,
      });
    this.#context = {
      store: this.store,
      settings,
      cookie: {
        path: settings.session_cookie_path,
        domain: settings.session_cookie_domain,
        same_site: settings.session_cookie_same_site,
        http_only: settings.session_cookie_http_only,
        secure: settings.session_cookie_secure,
      },
      warn: (message) => server.log.warn(message),
    };
  }

  #startSweeper(): void {
    const seconds = this.settings.session_purge_interval;
    if (this.#sweeper !== undefined || !seconds) return;
    this.#sweeper = setInterval(() => {
      Promise.resolve().then(() => this.store.clearExpired(Date.now())).catch((
        error,
      ) => this.server.log.error("Session sweep failed:", error));
    }, seconds * 1000);
    runtime.unrefTimer(this.#sweeper);
  }

  /**
   * Puts a `Session` on the request and loads it from the cookie.
   *
   * @param request the request
   */
  override processRequest(request: SpiderwebRequest): void | Promise<void> {
    this.#startSweeper();
    const session = new Session(this.#context, request);
    request.session = session;
    return session.load(Date.now());
  }

  /**
   * Saves the session and sets or clears the cookie, after rendering and
   * before the response is sent.
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
  ): MaybePromise<ResponseBody | null> {
    // Requests processRequest never saw (short-circuited above) have none.
    const session = sessionOf(request);
    if (!session) return body;
    return whenDone(session.commit(response, Date.now()), () => body);
  }

  /** Stops the sweeper and closes the store. */
  async close(): Promise<void> {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    await this.store.close?.();
  }
}
