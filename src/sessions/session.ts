/**
 * `Session`: one request's session. It owns what was loaded (the key, its
 * hash, the data as stored, the times), what the request asked for (a new
 * key, a flush, a session that must exist), and the save at the end of the
 * request. Calls take effect at once; the store work happens in `commit()`,
 * which the middleware runs before the response is sent.
 *
 * @module
 */

import type { SpiderwebRequest } from "../core/request.ts";
import type { SessionControl } from "../core/request_services.ts";
import type { HttpResponse } from "../core/response.ts";
import {
  deleteSessionCookie,
  type SessionContext,
  setSessionCookie,
} from "./session_cookie.ts";
import { generateKey, hashKey, isWellFormedKey } from "./session_key.ts";
import { sessionExpiry, touchInterval } from "./session_settings.ts";
import {
  serializeSession,
  type SessionChanges,
  sessionChanges,
} from "./session_store.ts";

const NO_CHANGES: SessionChanges = { set: new Map(), remove: [] };

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
  readonly #presentedCookie: boolean;
  #key: string | null = null;
  #nextKey: string | undefined;
  #hash: string | null = null;
  #createdAt = 0;
  #lastActive = 0;
  /** The data as loaded, as JSON: what changes are measured against. */
  #storedJson = "{}";
  #cycle = false;
  #needed = false;
  #userId: string | null = null;
  #userIdChanged = false;
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
    this.#presentedCookie =
      request.COOKIES[context.settings.session_cookie_name] !== undefined;
    request.SESSION = {};
  }

  /**
   * Loads the session named by the request's cookie, if it is live, into
   * `request.SESSION`. A malformed key never reaches the store.
   *
   * @param now the time, epoch ms
   */
  async load(now: number): Promise<void> {
    const { store, settings } = this.#context;
    const cookie = this.#request.COOKIES[settings.session_cookie_name];
    if (!isWellFormedKey(cookie)) return;
    const hash = hashKey(cookie);
    const record = await store.load(hash, now);
    if (!record) return;
    if (!record.data) {
      this.#context.warn("Session data corrupted; starting a new session");
      await store.destroy(hash);
      return;
    }
    this.#key = cookie;
    this.#hash = hash;
    this.#createdAt = record.createdAt;
    this.#lastActive = record.lastActive;
    this.#storedJson = JSON.stringify(record.data);
    this.#userId = record.userId;
    this.#request.SESSION = record.data;
  }

  /** Issues a new key at the end of the request, keeping the data. */
  cycleKey(): void {
    this.#cycle = true;
  }

  /**
   * Ends the session now: `SESSION` is empty, the old key is dead for the
   * rest of the request, and the store deletes it in `commit()`.
   *
   * @returns a settled promise (awaiting it is optional)
   */
  flush(): Promise<void> {
    if (this.#hash) this.#doomed.push(this.#hash);
    this.#key = null;
    this.#hash = null;
    this.#nextKey = undefined;
    this.#storedJson = "{}";
    this.#cycle = false;
    this.#needed = false;
    this.#userId = null;
    this.#userIdChanged = false;
    this.#request.SESSION = {};
    return Promise.resolve();
  }

  /** Makes the session exist after this request even if its data is empty. */
  markNeeded(): void {
    this.#needed = true;
  }

  /** The key of the live session the request arrived with, or null. */
  get liveKey(): string | null {
    return this.#hash ? this.#key : null;
  }

  /**
   * The key to bind a token to: the live key, or the key the session will
   * get (reserved now) when it is new or rotated.
   *
   * @returns the key
   */
  keyForToken(): string {
    if (this.#hash) {
      return this.#cycle
        ? (this.#nextKey ??= generateKey())
        : this.#key!;
    }
    return this.#key ??= generateKey();
  }

  /**
   * The key the session will have once the response is saved.
   *
   * @returns the key, or null when no session will exist
   */
  keyForResponse(): string | null {
    const hasData = Object.keys(this.#request.SESSION ?? {}).length > 0;
    if (!this.#hash && !this.#needed && !this.#cycle && !hasData) return null;
    return this.keyForToken();
  }

  /** The id of the user the session belongs to, for `revokeUser`. */
  get userId(): string | null {
    return this.#userId;
  }

  /**
   * Records whose session this is, so a store can end all of a user's
   * sessions (`revokeUser`); auth calls it at login.
   *
   * @param userId the user's id, or null
   */
  setUserId(userId: string | null): void {
    this.#userIdChanged ||= userId !== this.#userId;
    this.#userId = userId;
  }

  /**
   * Saves what changed and sets or clears the cookie: flushed sessions are
   * deleted first, then the session is created, rotated, merged or touched.
   *
   * @param response the response, for its cookie and `Cache-Control`
   * @param now the time, epoch ms
   */
  async commit(response: HttpResponse, now: number): Promise<void> {
    const { store } = this.#context;
    for (const hash of this.#doomed.splice(0)) await store.destroy(hash);
    // Nothing else is saved for a failed request.
    if (response.status_code >= 500) return;
    const data = this.#request.SESSION ?? {};
    const diff = sessionChanges(this.#storedJson, data);
    if (!this.#hash) {
      if (diff || this.#needed || this.#cycle) {
        const current = diff?.current ?? serializeSession(data);
        await this.#create(response, current, null, NO_CHANGES, now);
      } else if (this.#presentedCookie) {
        deleteSessionCookie(this.#context, this.#request, response);
      }
    } else if (this.#cycle) {
      const current = diff?.current ?? serializeSession(data);
      await this.#create(
        response,
        current,
        this.#hash,
        diff?.changes ?? NO_CHANGES,
        now,
      );
    } else if (diff || this.#userIdChanged) {
      // Expiry moves at the touch granularity, as for read-only requests.
      const touch =
        now - this.#lastActive > touchInterval(this.#context.settings);
      const expiresAt = sessionExpiry(
        this.#context.settings,
        this.#createdAt,
        now,
      );
      const update = {
        userId: this.#userIdChanged ? this.#userId : undefined,
        lastActive: touch ? now : undefined,
        expiresAt: touch ? expiresAt : undefined,
      };
      if (!await store.merge(this.#hash, diff?.changes ?? NO_CHANGES, update)) {
        deleteSessionCookie(this.#context, this.#request, response); // Logged out meanwhile: stay out.
      } else if (touch) {
        setSessionCookie(
          this.#context,
          this.#request,
          response,
          this.#key!,
          expiresAt,
          now,
        );
      }
    } else if (now - this.#lastActive > touchInterval(this.#context.settings)) {
      const expiresAt = sessionExpiry(
        this.#context.settings,
        this.#createdAt,
        now,
      );
      if (await store.touch(this.#hash, now, expiresAt)) {
        setSessionCookie(
          this.#context,
          this.#request,
          response,
          this.#key!,
          expiresAt,
          now,
        );
      }
    }
  }

  // A new session, or (with `oldHash`) the old one under a new key: the old
  // key dies in the same store operation.
  async #create(
    response: HttpResponse,
    current: Map<string, string>,
    oldHash: string | null,
    changes: SessionChanges,
    now: number,
  ): Promise<void> {
    const key = (oldHash ? this.#nextKey : this.#key) ?? generateKey();
    const meta = {
      userId: this.#userId,
      lastActive: now,
      expiresAt: sessionExpiry(this.#context.settings, now, now),
      createdAt: now,
    };
    if (oldHash) {
      await this.#context.store.rotate(oldHash, hashKey(key), changes, meta);
    } else await this.#context.store.create(hashKey(key), current, meta);
    setSessionCookie(
      this.#context,
      this.#request,
      response,
      key,
      meta.expiresAt,
      now,
    );
  }
}
