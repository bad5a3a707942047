/**
 * The `SessionStore` interface the sessions middleware talks to, and the
 * data helpers every store shares. Stores are async so that network stores
 * (Redis, PostgreSQL) fit; the SQLite store is the default.
 *
 * @module
 */

import type { MaybePromise } from "../core/middleware.ts";
import { GeneralException } from "../http/errors.ts";
import { setOwn } from "../http/own_data.ts";

/**
 * Runs `next` on a value now, or once its promise settles: synchronous
 * stores cost no promise and no microtask.
 *
 * @param value a value or a promise of it
 * @param next what to do with the value
 * @returns what `next` returns, or a promise of it
 */
export function whenDone<T, R>(
  value: MaybePromise<T>,
  next: (value: T) => MaybePromise<R>,
): MaybePromise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** A stored session, as a store returns it. */
export interface SessionRecord {
  /** The data; null when the stored data was not a JSON object. */
  data: Record<string, unknown> | null;
  /** The logged-in user's id, if any. */
  userId: string | null;
  /** Creation time, epoch ms. */
  createdAt: number;
  /** Last activity, epoch ms. */
  lastActive: number;
  /** Expiry, epoch ms. */
  expiresAt: number;
}

/** What one request changed: top-level keys set (as JSON text) or removed. */
export interface SessionChanges {
  /** Keys to set, each with its value serialized as JSON. */
  set: ReadonlyMap<string, string>;
  /** Keys to remove. */
  remove: readonly string[];
}

/** Timestamps and owner written with a change. */
export interface SessionMeta {
  /** The logged-in user's id, or null. */
  userId: string | null;
  /** Last activity, epoch ms. */
  lastActive: number;
  /** Expiry, epoch ms. */
  expiresAt: number;
}

/**
 * Where sessions live. Every key is the hex SHA-256 of the session key; the
 * store never sees a raw key. Each method may answer synchronously or with a
 * promise: network stores answer with promises, the SQLite store at once,
 * so a session request on SQLite costs no promise at all.
 *
 * @example The shape of a custom store
 * ```ts
 * import type { SessionStore } from "./session_store.ts";
 * const methods: (keyof SessionStore)[] = ["load", "create", "merge"];
 * console.assert(methods.length === 3);
 * ```
 */
export interface SessionStore {
  /**
   * The live (unexpired) session for a key hash.
   *
   * @param keyHash the hex SHA-256 of the session key
   * @param now the time, epoch ms
   * @returns the session, or undefined when missing or expired
   */
  load(keyHash: string, now: number): MaybePromise<SessionRecord | undefined>;
  /**
   * Inserts a new session.
   *
   * @param keyHash the hex SHA-256 of the session key
   * @param data the top-level keys, each value as JSON text
   * @param meta the owner, times and expiry
   */
  create(
    keyHash: string,
    data: ReadonlyMap<string, string>,
    meta: SessionMeta & { createdAt: number },
  ): MaybePromise<void>;
  /**
   * Applies `changes` to the stored data atomically, so concurrent requests
   * changing different keys both survive. Only the fields `update` holds are
   * written besides the data.
   *
   * @param keyHash the hex SHA-256 of the session key
   * @param changes the keys set (as JSON text) and removed
   * @param update the owner, activity and expiry to write, where given
   * @returns false when the session is gone
   */
  merge(
    keyHash: string,
    changes: SessionChanges,
    update: Partial<SessionMeta>,
  ): MaybePromise<boolean>;
  /**
   * Moves the expiry (activity without data changes).
   *
   * @param keyHash the hex SHA-256 of the session key
   * @param lastActive the activity time, epoch ms
   * @param expiresAt the new expiry, epoch ms
   * @returns false when the session is gone
   */
  touch(
    keyHash: string,
    lastActive: number,
    expiresAt: number,
  ): MaybePromise<boolean>;
  /**
   * Replaces `oldHash` by `newHash` in one step: the stored data plus
   * `changes`, with a new creation time. The old key dies at once.
   *
   * @param oldHash the hash of the key being replaced
   * @param newHash the hash of the new key
   * @param changes the keys set and removed by this request
   * @param meta the owner, times and expiry of the new session
   */
  rotate(
    oldHash: string,
    newHash: string,
    changes: SessionChanges,
    meta: SessionMeta & { createdAt: number },
  ): MaybePromise<void>;
  /**
   * Deletes a session.
   *
   * @param keyHash the hex SHA-256 of the session key
   */
  destroy(keyHash: string): MaybePromise<void>;
  /**
   * Deletes expired sessions.
   *
   * @param now the time, epoch ms
   * @returns how many were deleted
   */
  clearExpired(now: number): MaybePromise<number>;
  /**
   * Deletes every session of a user.
   *
   * @param userId the user's id
   * @returns how many were deleted
   */
  revokeUser(userId: string): MaybePromise<number>;
  /** Releases timers and connections the store holds. */
  close?(): void | Promise<void>;
}

/** Parses stored session data: a JSON object, or null when corrupted. */
export function parseSessionData(
  text: unknown,
): Record<string, unknown> | null {
  if (typeof text !== "string") return null;
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? value
      : null;
  } catch {
    return null;
  }
}

/** `base` with `changes` applied, as a new object. */
export function applyChanges(
  base: Record<string, unknown>,
  changes: SessionChanges,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(base)) {
    if (!changes.set.has(key) && !changes.remove.includes(key)) {
      setOwn(result, key, base[key]);
    }
  }
  for (const [key, json] of changes.set) setOwn(result, key, JSON.parse(json));
  return result;
}

/** Serializes one top-level value, or throws naming the key. */
export function serializeSessionValue(key: string, value: unknown): string {
  let json: string | undefined;
  let reason = "";
  try {
    json = JSON.stringify(value);
  } catch (error) {
    reason = (error as Error).message;
  }
  if (json === undefined) {
    reason ||= `${
      value === undefined ? "undefined" : typeof value
    } is not JSON`;
    throw new GeneralException(
      `Session data is not JSON serializable: key '${key}' (${reason})`,
    );
  }
  return json;
}

/** Each top-level key of `data` serialized as JSON. */
export function serializeSession(
  data: Record<string, unknown>,
): Map<string, string> {
  const serialized = new Map<string, string>();
  for (const key of Object.keys(data)) {
    serialized.set(key, serializeSessionValue(key, data[key]));
  }
  return serialized;
}

/** The changes from `before` (a snapshot) to `after` (serialized now). */
export function diffSession(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): SessionChanges {
  const set = new Map<string, string>();
  for (const [key, json] of after) {
    if (before.get(key) !== json) set.set(key, json);
  }
  const remove = [...before.keys()].filter((key) => !after.has(key));
  return { set, remove };
}

/**
 * What changed between the stored JSON and the data now, or null when
 * nothing did. The common case (nothing changed) costs one `JSON.stringify`;
 * top-level values JSON would drop or reject are errors naming the key.
 */
export function sessionChanges(
  storedJson: string,
  data: Record<string, unknown>,
): { current: Map<string, string>; changes: SessionChanges } | null {
  let json: string | undefined;
  try {
    for (const key of Object.keys(data)) {
      const type = typeof data[key];
      if (type === "function" || type === "symbol" || type === "undefined") {
        serializeSessionValue(key, data[key]); // throws, naming the key
      }
    }
    json = JSON.stringify(data);
  } catch (error) {
    serializeSession(data); // names the key (BigInt, cycle)
    throw error;
  }
  if (json === storedJson) return null;
  const current = serializeSession(data);
  const changes = diffSession(
    serializeSession(JSON.parse(storedJson) as Record<string, unknown>),
    current,
  );
  return changes.set.size || changes.remove.length
    ? { current, changes }
    : null;
}

/** Joins serialized top-level values into one JSON object text. */
export function joinSession(data: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const [key, json] of data) parts.push(`${JSON.stringify(key)}:${json}`);
  return `{${parts.join(",")}}`;
}
