/**
 * Sessions in PostgreSQL: a `jsonb` row per session, changed keys merged in
 * one statement (`||` and `-`), an indexed expiry column swept in batches.
 * No driver is imported: any client with `sql.unsafe(text, params)` works
 * (the `postgres` package, Bun's `Bun.sql`).
 *
 * @module
 */

import { ServiceUnavailable } from "../../http/status_errors.ts";
import {
  joinSession,
  type SessionChanges,
  type SessionMeta,
  type SessionRecord,
  type SessionStore,
} from "../session_store.ts";
import { escapeNul, sessionDataFromJsonb, toJsonb } from "./_pg_nul.ts";
import { postgresSchema } from "./_postgres_schema.ts";

/** A PostgreSQL client: `unsafe(text, params)` resolving to rows. */
export interface PostgresClient {
  /**
   * Runs a parameterised query.
   *
   * @param text the SQL, with `$1`, `$2`… placeholders
   * @param params the values, in order
   * @returns the rows
   */
  unsafe(
    text: string,
    params?: (string | number | null)[],
  ): PromiseLike<Record<string, unknown>[]>;
}

/** Options of `PostgresSessionStore`. */
export interface PostgresSessionStoreOptions {
  /** The client. */
  sql: PostgresClient;
  /** The table name. @default "spiderweb_sessions" */
  table?: string;
}

const BATCH = 500;

// Parameters are cast through text: drivers that see a jsonb parameter may
// JSON-encode a string again (postgres.js does), storing a string scalar.

/**
 * Sessions in PostgreSQL.
 *
 * @example With the `postgres` package
 * ```ts ignore
 * import postgres from "postgres";
 * import { PostgresSessionStore, SpiderwebRouter } from "jsr:@spiderweb/spiderweb";
 * const app = new SpiderwebRouter({
 *   middleware: ["spiderweb.middleware.sessions.SessionMiddleware"],
 *   session_store: new PostgresSessionStore({ sql: postgres(process.env.DATABASE_URL) }),
 * });
 * ```
 */
export class PostgresSessionStore implements SessionStore {
  readonly #sql: PostgresClient;
  readonly #table: string;
  #ready: Promise<void> | undefined;

  /**
   * Creates the store; the table is created on first use.
   *
   * @param options the client and the table name
   */
  constructor(options: PostgresSessionStoreOptions) {
    const table = options.table ?? "spiderweb_sessions";
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) {
      throw new TypeError(`Invalid table name ${JSON.stringify(table)}`);
    }
    this.#sql = options.sql;
    this.#table = table;
  }

  async #query(
    text: string,
    params: (string | number | null)[] = [],
  ): Promise<Record<string, unknown>[]> {
    this.#ready ??= this.#run(postgresSchema(this.#table)).then(
      () => {},
      (error) => {
        this.#ready = undefined; // Try again once the server is back.
        throw error;
      },
    );
    await this.#ready;
    return await this.#run(text, params);
  }

  async #run(
    text: string,
    params: (string | number | null)[] = [],
  ): Promise<Record<string, unknown>[]> {
    try {
      return [...await this.#sql.unsafe(text, params)];
    } catch (error) {
      // The driver's message is for the log, never for the client.
      throw Object.assign(
        new ServiceUnavailable("The session store is unavailable"),
        { cause: error },
      );
    }
  }

  /**
   * The live (unexpired) session for a key hash.
   *
   * @param keyHash the hex SHA-256 of the session key
   * @param now the time, epoch ms
   * @returns the session, or undefined when missing or expired
   */
  async load(keyHash: string, now: number): Promise<SessionRecord | undefined> {
    const [row] = await this.#query(
      `SELECT user_id, session_data, created_at, last_active, expires_at FROM ${this.#table} WHERE session_key_hash = $1 AND expires_at > $2`,
      [keyHash, now],
    );
    if (!row) return undefined;
    return {
      data: sessionDataFromJsonb(row.session_data),
      userId: row.user_id === null ? null : String(row.user_id),
      createdAt: Number(row.created_at),
      lastActive: Number(row.last_active),
      expiresAt: Number(row.expires_at),
    };
  }

  /**
   * Inserts a new session.
   *
   * @param keyHash the hex SHA-256 of the session key
   * @param data the top-level keys, each value as JSON text
   * @param meta the owner, times and expiry
   */
  async create(
    keyHash: string,
    data: ReadonlyMap<string, string>,
    meta: SessionMeta & { createdAt: number },
  ): Promise<void> {
    await this.#query(
      `INSERT INTO ${this.#table} (session_key_hash, user_id, session_data, created_at, last_active, expires_at) VALUES ($1, $2, $3::text::jsonb, $4, $5, $6)`,
      [
        keyHash,
        meta.userId,
        toJsonb(joinSession(data)),
        meta.createdAt,
        meta.lastActive,
        meta.expiresAt,
      ],
    );
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
  async merge(
    keyHash: string,
    changes: SessionChanges,
    update: Partial<SessionMeta>,
  ): Promise<boolean> {
    const params: (string | number | null)[] = [
      keyHash,
      toJsonb(joinSession(changes.set)),
      JSON.stringify(changes.remove.map(escapeNul)),
    ];
    let columns = "";
    if (update.userId !== undefined) {
      params.push(update.userId);
      columns += `, user_id = $${params.length}`;
    }
    if (update.lastActive !== undefined && update.expiresAt !== undefined) {
      params.push(update.lastActive, update.expiresAt);
      columns += `, last_active = $${
        params.length - 1
      }, expires_at = $${params.length}`;
    }
    const rows = await this.#query(
      `UPDATE ${this.#table} SET session_data = (session_data || $2::text::jsonb) - ARRAY(SELECT jsonb_array_elements_text($3::text::jsonb))${columns} WHERE session_key_hash = $1 RETURNING 1 AS ok`,
      params,
    );
    return rows.length > 0;
  }

  /**
   * Moves the expiry (activity without data changes).
   *
   * @param keyHash the hex SHA-256 of the session key
   * @param lastActive the activity time, epoch ms
   * @param expiresAt the new expiry, epoch ms
   * @returns false when the session is gone
   */
  async touch(
    keyHash: string,
    lastActive: number,
    expiresAt: number,
  ): Promise<boolean> {
    const rows = await this.#query(
      `UPDATE ${this.#table} SET last_active = $2, expires_at = $3 WHERE session_key_hash = $1 RETURNING 1 AS ok`,
      [keyHash, lastActive, expiresAt],
    );
    return rows.length > 0;
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
  async rotate(
    oldHash: string,
    newHash: string,
    changes: SessionChanges,
    meta: SessionMeta & { createdAt: number },
  ): Promise<void> {
    await this.#query(
      `WITH old AS (DELETE FROM ${this.#table} WHERE session_key_hash = $1 RETURNING session_data)
       INSERT INTO ${this.#table} (session_key_hash, user_id, session_data, created_at, last_active, expires_at)
       SELECT $2, $3, (COALESCE((SELECT session_data FROM old), '{}'::jsonb) || $4::text::jsonb) - ARRAY(SELECT jsonb_array_elements_text($5::text::jsonb)), $6, $7, $8`,
      [
        oldHash,
        newHash,
        meta.userId,
        toJsonb(joinSession(changes.set)),
        JSON.stringify(changes.remove.map(escapeNul)),
        meta.createdAt,
        meta.lastActive,
        meta.expiresAt,
      ],
    );
  }

  /**
   * Deletes a session.
   *
   * @param keyHash the hex SHA-256 of the session key
   */
  async destroy(keyHash: string): Promise<void> {
    await this.#query(
      `DELETE FROM ${this.#table} WHERE session_key_hash = $1`,
      [keyHash],
    );
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
      const rows = await this.#query(
        `DELETE FROM ${this.#table} WHERE session_key_hash IN (SELECT session_key_hash FROM ${this.#table} WHERE expires_at <= $1 LIMIT ${BATCH}) RETURNING 1 AS ok`,
        [now],
      );
      total += rows.length;
      if (rows.length < BATCH) return total;
    }
  }

  /**
   * Deletes every session of a user.
   *
   * @param userId the user's id
   * @returns how many were deleted
   */
  async revokeUser(userId: string): Promise<number> {
    const rows = await this.#query(
      `DELETE FROM ${this.#table} WHERE user_id = $1 RETURNING 1 AS ok`,
      [userId],
    );
    return rows.length;
  }
}
