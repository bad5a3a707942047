/**
 * The default session store: the `spiderweb_sessions` table in the app's
 * SQLite database. Writes run in `BEGIN IMMEDIATE` transactions, so several
 * processes sharing one file neither lose updates nor hit "database is locked".
 *
 * @module
 */

import type { MaybePromise } from "../../core/middleware.ts";
import { retryWhileBusy } from "../../runtime/busy.ts";
import type { Database, SqlValue } from "../../runtime/runtime.ts";
import { jsonPatch, SCHEMA } from "./_sqlite_schema.ts";
import {
  applyChanges,
  joinSession,
  parseSessionData,
  type SessionChanges,
  type SessionMeta,
  type SessionRecord,
  type SessionStore,
} from "../session_store.ts";

// Expired rows are deleted this many at a time, yielding in between.
const BATCH = 500;

/** Options of `SqliteSessionStore`. */
export interface SqliteSessionStoreOptions {
  /** The database, or a function opening it on first use (`() => app.db`). */
  db: Database | (() => Database);
  /**
   * Seconds a statement retries (asynchronously) while another connection
   * holds the database locked, before the request gets 503. @default 5
   */
  busy_timeout?: number;
}

/**
 * Sessions in SQLite.
 *
 * @example A store on an in-memory database
 * ```ts
 * import { SpiderwebRouter, SqliteSessionStore } from "../../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:" });
 * const store = new SqliteSessionStore({ db: () => app.db });
 * console.assert(await store.clearExpired(Date.now()) === 0);
 * ```
 */
export class SqliteSessionStore implements SessionStore {
  readonly #open: () => Database;
  readonly #busySeconds: number;
  #db: Database | undefined;

  /**
   * Creates the store; the table is created on first use.
   *
   * @param options the database (or a function that opens it)
   */
  constructor(options: SqliteSessionStoreOptions) {
    const db = options.db;
    this.#open = typeof db === "function" ? db : () => db;
    this.#busySeconds = options.busy_timeout ?? 5;
  }

  #database(): Database {
    const db = this.#open();
    if (db !== this.#db) {
      db.exec(SCHEMA);
      this.#db = db;
    }
    return db;
  }

  /**
   * The live (unexpired) session for a key hash.
   *
   * @param keyHash the hex SHA-256 of the session key
   * @param now the time, epoch ms
   * @returns the session, or undefined when missing or expired
   */
  load(keyHash: string, now: number): MaybePromise<SessionRecord | undefined> {
    return retryWhileBusy(() => {
      const row = this.#database().prepare(
        "SELECT user_id, session_data, created_at, last_active, expires_at FROM spiderweb_sessions WHERE session_key_hash = ? AND expires_at > ?",
      ).get(keyHash, now);
      if (!row) return undefined;
      return {
        data: parseSessionData(row.session_data),
        userId: row.user_id === null ? null : String(row.user_id),
        createdAt: Number(row.created_at),
        lastActive: Number(row.last_active),
        expiresAt: Number(row.expires_at),
      };
    }, this.#busySeconds);
  }

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
  ): MaybePromise<void> {
    return retryWhileBusy(() => {
      this.#database().prepare(
        "INSERT INTO spiderweb_sessions (session_key_hash, user_id, session_data, created_at, last_active, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(
        keyHash,
        meta.userId,
        joinSession(data),
        meta.createdAt,
        meta.lastActive,
        meta.expiresAt,
      );
    }, this.#busySeconds);
  }

  #read(db: Database, keyHash: string): Record<string, unknown> | undefined {
    const row = db.prepare(
      "SELECT session_data FROM spiderweb_sessions WHERE session_key_hash = ?",
    ).get(keyHash);
    if (!row) return undefined;
    return parseSessionData(row.session_data) ?? {};
  }

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
  ): MaybePromise<boolean> {
    return retryWhileBusy(() => {
      // Unchanged owner and expiry are not written: the indexes on them stay
      // untouched on most writes.
      let columns = "";
      const values: SqlValue[] = [];
      if (update.userId !== undefined) {
        columns += ", user_id = ?";
        values.push(update.userId);
      }
      if (update.lastActive !== undefined && update.expiresAt !== undefined) {
        columns += ", last_active = ?, expires_at = ?";
        values.push(update.lastActive, update.expiresAt);
      }
      const inPlace = jsonPatch(changes);
      if (inPlace) {
        const { changes: updated } = this.#database().prepare(
          `UPDATE spiderweb_sessions SET session_data = ${inPlace.expression}${columns} WHERE session_key_hash = ?`,
        ).run(...inPlace.params, ...values, keyHash);
        return updated > 0;
      }
      const db = this.#database();
      return db.transaction(() => {
        const stored = this.#read(db, keyHash);
        if (!stored) return false;
        db.prepare(
          `UPDATE spiderweb_sessions SET session_data = ?${columns} WHERE session_key_hash = ?`,
        ).run(
          JSON.stringify(applyChanges(stored, changes)),
          ...values,
          keyHash,
        );
        return true;
      });
    }, this.#busySeconds);
  }

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
  ): MaybePromise<boolean> {
    return retryWhileBusy(() => {
      const { changes } = this.#database().prepare(
        "UPDATE spiderweb_sessions SET last_active = ?, expires_at = ? WHERE session_key_hash = ?",
      ).run(lastActive, expiresAt, keyHash);
      return changes > 0;
    }, this.#busySeconds);
  }

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
  ): MaybePromise<void> {
    return retryWhileBusy(() => {
      const db = this.#database();
      db.transaction(() => {
        const stored = this.#read(db, oldHash) ?? {};
        db.prepare("DELETE FROM spiderweb_sessions WHERE session_key_hash = ?")
          .run(oldHash);
        db.prepare(
          "INSERT INTO spiderweb_sessions (session_key_hash, user_id, session_data, created_at, last_active, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        ).run(
          newHash,
          meta.userId,
          JSON.stringify(applyChanges(stored, changes)),
          meta.createdAt,
          meta.lastActive,
          meta.expiresAt,
        );
      });
    }, this.#busySeconds);
  }

  /**
   * Deletes a session.
   *
   * @param keyHash the hex SHA-256 of the session key
   */
  destroy(keyHash: string): MaybePromise<void> {
    return retryWhileBusy(() => {
      this.#database().prepare(
        "DELETE FROM spiderweb_sessions WHERE session_key_hash = ?",
      ).run(keyHash);
    }, this.#busySeconds);
  }

  /**
   * Deletes expired sessions.
   *
   * @param now the time, epoch ms
   * @returns how many were deleted
   */
  async clearExpired(now: number): Promise<number> {
    let total = 0;
    while (true) {
      const { changes } = await retryWhileBusy(
        () =>
          this.#database().prepare(
            "DELETE FROM spiderweb_sessions WHERE rowid IN (SELECT rowid FROM spiderweb_sessions WHERE expires_at <= ? LIMIT ?)",
          ).run(now, BATCH),
        this.#busySeconds,
      );
      total += changes;
      if (changes < BATCH) return total;
      // Let requests waiting on the event loop run between batches.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /**
   * Deletes every session of a user.
   *
   * @param userId the user's id
   * @returns how many were deleted
   */
  revokeUser(userId: string): MaybePromise<number> {
    return retryWhileBusy(() => {
      const { changes } = this.#database().prepare(
        "DELETE FROM spiderweb_sessions WHERE user_id = ?",
      ).run(userId);
      return changes;
    }, this.#busySeconds);
  }
}
