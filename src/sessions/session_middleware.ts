/**
 * `SessionMiddleware`: `request.SESSION` follows a visitor through a cookie.
 * Sessions are lazy (nothing is stored until the data changes), keys are
 * never adopted from the client, only changed keys are written, and the
 * expiry slides with activity.
 *
 * @module
 */

import type { SpiderwebRequest } from "../core/request.ts";
import type { HttpResponse, ResponseBody } from "../core/response.ts";
import { runtime } from "../runtime/load.ts";
import type { SpiderwebRouter } from "../router.ts";
import { generateKey, hashKey, isWellFormedKey } from "./session_key.ts";
import {
  serializeSession,
  type SessionChanges,
  sessionChanges,
  type SessionStore,
} from "./session_store.ts";
import { SqliteSessionStore } from "./stores/sqlite_session_store.ts";
import { SpiderwebMiddleware } from "../core/middleware.ts";
import { ANONYMOUS_USER, getUser } from "../auth/user.ts";
import {
  CheckSessionAges,
  CheckSessionCookieName,
  CheckSessionCookiePathAndDomain,
  CheckSessionCookieSameSite,
  type SessionSettings,
  sessionSettings,
} from "./session_settings.ts";

/** The key under which `login()` stores the user's id. */
export const AUTH_USER_KEY = "_auth_user_id";

// What the middleware knows about one request's session.
interface SessionState {
  key: string | null;
  nextKey?: string;
  hash: string | null;
  createdAt: number;
  lastActive: number;
  /** The data as loaded, as JSON: what changes are measured against. */
  storedJson: string;
  presentedCookie: boolean;
  cycle: boolean;
  needed: boolean;
}

const states = new WeakMap<SpiderwebRequest, SessionState>();

/**
 * The key of the request's session for minting a CSRF token: the live key,
 * else a reserved new one (used if the session gets created). Null without
 * the sessions middleware.
 */
export function sessionKeyForToken(request: SpiderwebRequest): string | null {
  const state = states.get(request);
  if (!state) return null;
  if (state.hash) {
    return state.cycle
      ? (state.nextKey ??= generateKey())
      : state.key;
  }
  return state.key ??= generateKey();
}

/** Marks the session as needed: it is created even if its data is empty. */
export function markSessionNeeded(request: SpiderwebRequest): void {
  const state = states.get(request);
  if (state) state.needed = true;
}

/** The key of the session the request arrived with, if it is live. */
export function liveSessionKey(request: SpiderwebRequest): string | null {
  const state = states.get(request);
  return state?.hash ? state.key : null;
}

/**
 * The key the session will have once the response is saved, or null when
 * no session will exist. A key for a new or rotated session is reserved now.
 */
export function sessionKeyForResponse(
  request: SpiderwebRequest,
): string | null {
  const state = states.get(request);
  if (!state) return null;
  const hasData = Object.keys(request.SESSION ?? {}).length > 0;
  if (!state.hash && !state.needed && !state.cycle && !hasData) return null;
  return sessionKeyForToken(request);
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
  #sweeper: ReturnType<typeof setInterval> | undefined;

  /** Creates the middleware for a router. */
  constructor(server: SpiderwebRouter) {
    super(server);
    this.settings = sessionSettings(server);
    this.store = this.settings.session_store
      ?? new SqliteSessionStore({ db: () => server.db });
    server.sessionMaintenance = {
      clearExpired: () => this.store.clearExpired(Date.now()),
      revokeUser: (userId) => this.store.revokeUser(userId),
    };
  }

  #expiresAt(createdAt: number, lastActive: number): number {
    const idle = lastActive + this.settings.session_max_age * 1000;
    const absolute = this.settings.session_absolute_max_age;
    return absolute === null
      ? idle
      : Math.min(idle, createdAt + absolute * 1000);
  }

  // Activity refreshes the expiry at most once per interval (issue: no write
  // on every read-only request).
  get #touchInterval(): number {
    return Math.min(60_000, (this.settings.session_max_age * 1000) / 10);
  }

  #startSweeper(): void {
    const seconds = this.settings.session_purge_interval;
    if (this.#sweeper !== undefined || !seconds) return;
    this.#sweeper = setInterval(() => {
      this.store.clearExpired(Date.now()).catch((error) =>
        this.server.log.error("Session sweep failed:", error)
      );
    }, seconds * 1000);
    runtime.unrefTimer(this.#sweeper);
  }

  /** Loads the session named by the cookie, if it is live. */
  override async processRequest(request: SpiderwebRequest): Promise<void> {
    this.#startSweeper();
    const cookie = request.COOKIES[this.settings.session_cookie_name];
    const state: SessionState = {
      key: null,
      hash: null,
      createdAt: 0,
      lastActive: 0,
      storedJson: "{}",
      presentedCookie: cookie !== undefined,
      cycle: false,
      needed: false,
    };
    states.set(request, state);
    request.SESSION = {};
    request.session = {
      cycleKey: () => {
        state.cycle = true;
      },
      flush: () => this.#flush(request, state),
    };
    // Malformed keys never reach the store (no SQL runs for them).
    if (!isWellFormedKey(cookie)) return;
    const hash = hashKey(cookie);
    const record = await this.store.load(hash, Date.now());
    if (!record) return;
    if (!record.data) {
      this.server.log.warn("Session data corrupted; starting a new session");
      await this.store.destroy(hash);
      return;
    }
    Object.assign(state, {
      key: cookie,
      hash,
      createdAt: record.createdAt,
      lastActive: record.lastActive,
      storedJson: JSON.stringify(record.data),
    });
    request.SESSION = record.data;
    const userId = record.data[AUTH_USER_KEY];
    if (userId !== undefined) {
      request.setUserLoader(() => {
        const user = getUser(this.server, String(userId));
        return user?.is_active ? user : ANONYMOUS_USER;
      });
    }
  }

  async #flush(request: SpiderwebRequest, state: SessionState): Promise<void> {
    if (state.hash) await this.store.destroy(state.hash);
    Object.assign(state, {
      key: null,
      hash: null,
      nextKey: undefined,
      storedJson: "{}",
      cycle: false,
      needed: false,
    });
    request.SESSION = {};
    request.user = ANONYMOUS_USER;
  }

  /** Saves what changed and sets or clears the cookie, after rendering. */
  override async postProcess(
    request: SpiderwebRequest,
    response: HttpResponse,
    body: ResponseBody | null,
  ): Promise<ResponseBody | null> {
    const state = states.get(request);
    // Nothing is saved for requests processRequest never saw, or that failed.
    if (!state || response.status_code >= 500) return body;
    const data = request.SESSION ?? {};
    const diff = sessionChanges(state.storedJson, data);
    const now = Date.now();
    if (!state.hash) {
      if (diff || state.needed || state.cycle) {
        const current = diff?.current ?? serializeSession(data);
        await this.#create(request, response, state, current, now);
      } else if (state.presentedCookie) {
        this.#deleteCookie(response);
      }
    } else if (state.cycle) {
      const current = diff?.current ?? serializeSession(data);
      const changes = diff?.changes ?? { set: new Map(), remove: [] };
      await this.#rotate(request, response, state, changes, current, now);
    } else if (diff) {
      const { current, changes } = diff;
      const meta = this.#meta(current, state.createdAt, now);
      // Expiry moves at the touch granularity, as for read-only requests.
      const touch = now - state.lastActive > this.#touchInterval;
      const ownerChanged = changes.set.has(AUTH_USER_KEY)
        || changes.remove.includes(AUTH_USER_KEY);
      const update = {
        userId: ownerChanged ? meta.userId : undefined,
        lastActive: touch ? meta.lastActive : undefined,
        expiresAt: touch ? meta.expiresAt : undefined,
      };
      if (!await this.store.merge(state.hash, changes, update)) {
        this.#deleteCookie(response); // Logged out meanwhile: stay out.
      } else if (touch) {
        this.#setCookie(request, response, state.key!, meta.expiresAt, now);
      }
    } else if (now - state.lastActive > this.#touchInterval) {
      const expiresAt = this.#expiresAt(state.createdAt, now);
      if (await this.store.touch(state.hash, now, expiresAt)) {
        this.#setCookie(request, response, state.key!, expiresAt, now);
      }
    }
    return body;
  }

  #meta(current: Map<string, string>, createdAt: number, now: number) {
    const user = current.get(AUTH_USER_KEY);
    return {
      userId: user === undefined ? null : String(JSON.parse(user)),
      lastActive: now,
      expiresAt: this.#expiresAt(createdAt, now),
    };
  }

  async #create(
    request: SpiderwebRequest,
    response: HttpResponse,
    state: SessionState,
    current: Map<string, string>,
    now: number,
  ): Promise<void> {
    const key = state.key ?? generateKey();
    const meta = { ...this.#meta(current, now, now), createdAt: now };
    await this.store.create(hashKey(key), current, meta);
    this.#setCookie(request, response, key, meta.expiresAt, now);
  }

  async #rotate(
    request: SpiderwebRequest,
    response: HttpResponse,
    state: SessionState,
    changes: SessionChanges,
    current: Map<string, string>,
    now: number,
  ): Promise<void> {
    const key = state.nextKey ?? generateKey();
    const meta = { ...this.#meta(current, now, now), createdAt: now };
    await this.store.rotate(state.hash!, hashKey(key), changes, meta);
    this.#setCookie(request, response, key, meta.expiresAt, now);
  }

  // Attribute order: Max-Age, Expires, Path, Domain, SameSite, HttpOnly, Secure.
  #setCookie(
    request: SpiderwebRequest,
    response: HttpResponse,
    key: string,
    expiresAt: number,
    now: number,
  ): void {
    const s = this.settings;
    const sameSite = s.session_cookie_same_site.toLowerCase();
    let cookie = `${s.session_cookie_name}=${key}; Max-Age=${
      Math.max(0, Math.floor((expiresAt - now) / 1000))
    }; Expires=${
      new Date(expiresAt).toUTCString()
    }; Path=${s.session_cookie_path}`;
    if (s.session_cookie_domain) {
      cookie += `; Domain=${s.session_cookie_domain}`;
    }
    cookie += `; SameSite=${sameSite[0].toUpperCase()}${sameSite.slice(1)}`;
    if (s.session_cookie_http_only) cookie += "; HttpOnly";
    if (s.session_cookie_secure || request.isSecure()) cookie += "; Secure";
    response.headers.append("set-cookie", cookie);
    response.headers.set("cache-control", "no-store");
  }

  #deleteCookie(response: HttpResponse): void {
    response.deleteCookie(this.settings.session_cookie_name, {
      path: this.settings.session_cookie_path,
      domain: this.settings.session_cookie_domain,
    });
    response.headers.set("cache-control", "no-store");
  }

  /** Stops the sweeper and closes the store. */
  async close(): Promise<void> {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    await this.store.close?.();
  }
}
