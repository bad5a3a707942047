/**
 * `Session`: one request's session. It owns what was loaded (the key, its
 * hash, the data as stored, the times), what the request asked for (a new
 * key, a flush, a session that must exist), and the save at the end of the
 * request. Calls take effect at once; the store work happens in `commit()`,
 * which the middleware runs before the response is sent.
 *
 * @module
 */

import type { MaybePromise } from "../core/middleware.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import type { SessionControl } from "../core/request_services.ts";
import type { HttpResponse } from "../core/response.ts";
import type { SessionContext } from "./session_cookie.ts";
import {
  expiresAtBrowserClose,
  EXPIRY_KEY,
  type ExpiryValue,
  sessionExpiry,
  storedExpiry,
} from "./session_expiry.ts";
import { generateKey, hashKey, isWellFormedKey } from "./session_key.ts";
import {
  newSessionState,
  saveSession,
  type SessionState,
} from "./session_save.ts";
import { whenDone } from "./session_store.ts";

/**
 * One request's session, as `request.session`.
 *
 * @example Ending a session in a view, no `await` needed
 * ```ts
 * import { SessionMiddleware, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware] });
 * app.route("/logout", (request) => {
 *   request.session?.flush();
 *   return { left: Object.keys(request.SESSION).length };
 * });
 * const response = await app.fetch(new Request("http://localhost/logout"));
 * console.assert((await response.json()).left === 0);
 * await app.close();
 * ```
 */
export class Session implements SessionControl {
  readonly #context: SessionContext;
  readonly #request: SpiderwebRequest;
  #state: SessionState;
  /** User code read or replaced `SESSION`: the response varies on the cookie. */
  #accessed = false;
  /** Hashes of flushed sessions, deleted from the store in `commit()`. */
  readonly #doomed: string[] = [];

  /**
   * Starts an empty session for a request.
   *
   * @param context the middleware's store and settings
   * @param request the request; its `SESSION` is reset to `{}`
   */
  constructor(context: SessionContext, request: SpiderwebRequest) {
    this.#context = context;
    this.#request = request;
    this.#state = newSessionState(
      request.COOKIES[context.settings.session_cookie_name] !== undefined,
    );
    this.#setData({});
  }

  // The framework's own reads and writes of `SESSION` are not accesses.
  #data(): Record<string, unknown> {
    const accessed = this.#accessed;
    const data = this.#request.SESSION ?? {};
    this.#accessed = accessed;
    return data;
  }

  #setData(data: Record<string, unknown>): void {
    const accessed = this.#accessed;
    this.#request.SESSION = data;
    this.#accessed = accessed;
  }

  /**
   * Loads the session named by the request's cookie, if it is live, into
   * `request.SESSION`. A malformed key never reaches the store.
   *
   * @param now the time, epoch ms
   */
  load(now: number): MaybePromise<void> {
    const { store, settings } = this.#context;
    const cookie = this.#request.COOKIES[settings.session_cookie_name];
    if (!isWellFormedKey(cookie)) return;
    const hash = hashKey(cookie);
    return whenDone(store.load(hash, now), (record) => {
      if (!record) return;
      if (!record.data) {
        this.#context.warn("Session data corrupted; starting a new session");
        return store.destroy(hash);
      }
      this.#state.key = cookie;
      this.#state.hash = hash;
      this.#state.createdAt = record.createdAt;
      this.#state.lastActive = record.lastActive;
      this.#state.storedJson = JSON.stringify(record.data);
      this.#state.userId = record.userId;
      this.#setData(record.data);
    });
  }

  /** Notes that user code read or replaced `SESSION`. */
  markAccessed(): void {
    this.#accessed = true;
  }

  /** Issues a new key at the end of the request, keeping the data. */
  cycleKey(): void {
    this.#state.cycle = true;
  }

  /**
   * Ends the session now: `SESSION` is empty, the old key is dead for the
   * rest of the request, and the store deletes it in `commit()`.
   *
   * @returns a settled promise (awaiting it is optional)
   */
  flush(): Promise<void> {
    if (this.#state.hash) this.#doomed.push(this.#state.hash);
    this.#state = newSessionState(this.#state.presentedCookie);
    this.#accessed = true;
    this.#setData({});
    return Promise.resolve();
  }

  /**
   * Sets this session's expiry, as Django's `set_expiry`; it is kept with
   * the session (in `SESSION._session_expiry`) on every store.
   *
   * @param value seconds of inactivity, a `Date` (absolute), `0` (the
   *   cookie ends with the browser; the server still expires the session
   *   after `session_max_age` idle) or `null` (back to the settings)
   * @throws TypeError for a negative or non-finite number or an invalid date
   */
  setExpiry(value: ExpiryValue): void {
    const stored = storedExpiry(value);
    const data = this.#data();
    if (stored === undefined) delete data[EXPIRY_KEY];
    else data[EXPIRY_KEY] = stored;
    this.#state.expiryChanged = true;
    this.#accessed = true;
  }

  /**
   * Seconds from now until the session expires, if it stays idle.
   *
   * @returns the expiry age in seconds
   */
  getExpiryAge(): number {
    const now = Date.now();
    return Math.max(0, Math.round((this.#expiresAt(now) - now) / 1000));
  }

  /**
   * When the session expires, if it stays idle from now.
   *
   * @returns the expiry date
   */
  getExpiryDate(): Date {
    return new Date(this.#expiresAt(Date.now()));
  }

  /**
   * Whether the session cookie ends when the browser closes.
   *
   * @returns true for `setExpiry(0)`, or with `session_expire_at_browser_close`
   */
  getExpireAtBrowserClose(): boolean {
    return expiresAtBrowserClose(this.#context.settings, this.#expiry());
  }

  #expiry(): unknown {
    return this.#data()[EXPIRY_KEY];
  }

  // The expiry if the session is active at `now` (created now if new).
  #expiresAt(now: number): number {
    const created = this.#state.hash && !this.#state.cycle
      ? this.#state.createdAt
      : now;
    return sessionExpiry(this.#context.settings, created, now, this.#expiry());
  }

  /** Makes the session exist after this request even if its data is empty. */
  markNeeded(): void {
    this.#state.needed = true;
  }

  /** The key of the live session the request arrived with, or null. */
  get liveKey(): string | null {
    return this.#state.hash ? this.#state.key : null;
  }

  /**
   * The key to bind a token to: the live key, or the key the session will
   * get (reserved now) when it is new or rotated.
   *
   * @returns the key
   */
  keyForToken(): string {
    if (this.#state.hash) {
      return this.#state.cycle
        ? (this.#state.nextKey ??= generateKey())
        : this.#state.key!;
    }
    return this.#state.key ??= generateKey();
  }

  /**
   * The key the session will have once the response is saved.
   *
   * @returns the key, or null when no session will exist
   */
  keyForResponse(): string | null {
    const hasData = Object.keys(this.#data()).length > 0;
    if (
      !this.#state.hash && !this.#state.needed && !this.#state.cycle && !hasData
    ) return null;
    return this.keyForToken();
  }

  /** The id of the user the session belongs to, for `revokeUser`. */
  get userId(): string | null {
    return this.#state.userId;
  }

  /**
   * Records whose session this is, so a store can end all of a user's
   * sessions (`revokeUser`); auth calls it at login.
   *
   * @param userId the user's id, or null
   */
  setUserId(userId: string | null): void {
    this.#state.userIdChanged ||= userId !== this.#state.userId;
    this.#state.userId = userId;
  }

  /**
   * Saves what changed and sets or clears the cookie: flushed sessions are
   * deleted first, then the session is created, rotated, merged or touched.
   * A response whose session was accessed or whose cookie changed gets
   * `Vary: Cookie`.
   *
   * @param response the response, for its cookie and headers
   * @param now the time, epoch ms
   */
  commit(response: HttpResponse, now: number): MaybePromise<void> {
    const { store } = this.#context;
    // Flushed sessions first, one after the other.
    let destroyed: MaybePromise<void> = undefined;
    for (const hash of this.#doomed.splice(0)) {
      destroyed = whenDone(destroyed, () => store.destroy(hash));
    }
    return whenDone(destroyed, () => {
      // Nothing else is saved for a failed request.
      const saved = response.status_code < 500
        && saveSession(this.#context, this.#request, this.#state, {
          data: this.#data(),
          response,
          now,
        });
      return whenDone(saved, (cookieChanged) => {
        // Only when needed: the first touch of the headers builds them.
        if (this.#accessed || cookieChanged) response.varyOn("Cookie");
      });
    });
  }
}
