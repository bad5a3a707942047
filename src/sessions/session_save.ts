/**
 * The save at the end of a request: what one request's `Session` decided
 * (create, rotate, merge, touch, or delete the cookie), written to the store
 * and to the session cookie.
 *
 * @module
 */

import type { MaybePromise } from "../core/middleware.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import type { HttpResponse } from "../core/response.ts";
import {
  deleteSessionCookie,
  type SessionContext,
  setSessionCookie,
} from "./session_cookie.ts";
import {
  expiresAtBrowserClose,
  EXPIRY_KEY,
  sessionExpiry,
  touchInterval,
} from "./session_expiry.ts";
import { generateKey, hashKey } from "./session_key.ts";
import {
  serializeSession,
  type SessionChanges,
  sessionChanges,
  whenDone,
} from "./session_store.ts";

/** What a `Session` knows about the stored session and what was asked. */
export interface SessionState {
  /** The cookie's key when live, or a key reserved for a new session. */
  key: string | null;
  /** The key reserved for a rotation. */
  nextKey: string | undefined;
  /** The hash of the live key, or null without a live session. */
  hash: string | null;
  /** Creation time, epoch ms. */
  createdAt: number;
  /** Last activity, epoch ms. */
  lastActive: number;
  /** The data as loaded, as JSON: what changes are measured against. */
  storedJson: string;
  /** A new key was asked for. */
  cycle: boolean;
  /** The session must exist even if empty (a CSRF token was issued). */
  needed: boolean;
  /** The owner's id, for `revokeUser`. */
  userId: string | null;
  /** The owner changed in this request. */
  userIdChanged: boolean;
  /** `setExpiry` was called in this request. */
  expiryChanged: boolean;
  /** The request came with a session cookie. */
  readonly presentedCookie: boolean;
}

/**
 * The state of a request without a live session.
 *
 * @param presentedCookie whether the request had a session cookie
 * @returns the state
 */
export function newSessionState(presentedCookie: boolean): SessionState {
  return {
    key: null,
    nextKey: undefined,
    hash: null,
    createdAt: 0,
    lastActive: 0,
    storedJson: "{}",
    cycle: false,
    needed: false,
    userId: null,
    userIdChanged: false,
    expiryChanged: false,
    presentedCookie,
  };
}

/** What the save writes: the data now, and where the cookie goes. */
export interface SaveTarget {
  /** `request.SESSION` at the end of the request. */
  readonly data: Record<string, unknown>;
  /** The response, for the cookie. */
  readonly response: HttpResponse;
  /** The time, epoch ms. */
  readonly now: number;
}

const NO_CHANGES: SessionChanges = { set: new Map(), remove: [] };

/**
 * Writes what the request changed and sets or deletes the cookie.
 *
 * @param context the middleware's store and settings
 * @param request the request (HTTPS requests get Secure cookies)
 * @param state what the session knows and was asked
 * @param target the data, the response and the time
 * @returns true when the cookie was set or deleted
 */
export function saveSession(
  context: SessionContext,
  request: SpiderwebRequest,
  state: SessionState,
  target: SaveTarget,
): MaybePromise<boolean> {
  const { store, settings } = context;
  const { data, response, now } = target;
  const diff = sessionChanges(state.storedJson, data);
  const expiry = data[EXPIRY_KEY];
  const setCookie = (key: string, expiresAt: number) => {
    setSessionCookie(
      context,
      request,
      response,
      key,
      expiresAtBrowserClose(settings, expiry) ? null : expiresAt,
      now,
    );
    return true;
  };
  const deleteCookie = () => {
    deleteSessionCookie(context, request, response);
    return true;
  };
  // A new session, or (with `oldHash`) the old one under a new key: the old
  // key dies in the same store operation.
  const create = (oldHash: string | null, changes: SessionChanges) => {
    const key = (oldHash ? state.nextKey : state.key) ?? generateKey();
    const meta = {
      userId: state.userId,
      lastActive: now,
      expiresAt: sessionExpiry(settings, now, now, expiry),
      createdAt: now,
    };
    const current = diff?.current ?? serializeSession(data);
    const stored = oldHash
      ? store.rotate(oldHash, hashKey(key), changes, meta)
      : store.create(hashKey(key), current, meta);
    return whenDone(stored, () => setCookie(key, meta.expiresAt));
  };
  if (!state.hash) {
    if (diff || state.needed || state.cycle) return create(null, NO_CHANGES);
    return state.presentedCookie ? deleteCookie() : false;
  }
  if (state.cycle) return create(state.hash, diff?.changes ?? NO_CHANGES);
  // Expiry moves at the touch granularity, as for read-only requests.
  const touch = state.expiryChanged
    || now - state.lastActive > touchInterval(settings, expiry);
  const expiresAt = sessionExpiry(settings, state.createdAt, now, expiry);
  if (diff || state.userIdChanged) {
    const update = {
      userId: state.userIdChanged ? state.userId : undefined,
      lastActive: touch ? now : undefined,
      expiresAt: touch ? expiresAt : undefined,
    };
    const merged = store.merge(state.hash, diff?.changes ?? NO_CHANGES, update);
    return whenDone(merged, (live) =>
      // Logged out meanwhile (flushed elsewhere): stay out.
      !live
        ? deleteCookie()
        : touch
        ? setCookie(state.key!, expiresAt)
        : false);
  }
  if (!touch) return false;
  return whenDone(
    store.touch(state.hash, now, expiresAt),
    (live) => live && setCookie(state.key!, expiresAt),
  );
}
