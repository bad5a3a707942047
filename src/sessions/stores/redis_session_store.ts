/**
 * Sessions in Redis (or Valkey): a hash per session, expired by Redis in
 * step with the idle and absolute timeouts, every change applied by one Lua
 * script (atomic), and a per-user set for revoking. No Redis package is
 * imported: any client with `sendCommand(args)` works.
 *
 * @module
 */

import { ServiceUnavailable } from "../../http/status_errors.ts";
import { setOwn } from "../../http/own_data.ts";
import type {
  SessionChanges,
  SessionMeta,
  SessionRecord,
  SessionStore,
} from "../session_store.ts";
import { DESTROY, REVOKE, WRITE } from "./_redis_scripts.ts";

/** A Redis client: the official `redis` package's `sendCommand` shape. */
export interface RedisClient {
  /**
   * Sends one command.
   *
   * @param args the command and its arguments
   * @returns Redis' reply
   */
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options of `RedisSessionStore`. */
export interface RedisSessionStoreOptions {
  /** The client. ioredis: `{ sendCommand: ([c, ...a]) => redis.call(c, ...a) }`. */
  client: RedisClient;
  /** Prefix of every key. @default "spiderweb:" */
  prefix?: string;
}

// Data fields are "d:<key>"; metadata fields start with "_". A key that is
// not well-formed UTF-16 (a lone surrogate) cannot cross to Redis as UTF-8
// intact, so it is stored JSON-escaped as "j:<JSON string>".
const DATA = "d:";
const ESCAPED = "j:";

function fieldOf(key: string): string {
  return key.isWellFormed() ? DATA + key : ESCAPED + JSON.stringify(key);
}

function keyOf(field: string): string | undefined {
  if (field.startsWith(DATA)) return field.slice(DATA.length);
  if (field.startsWith(ESCAPED)) return JSON.parse(field.slice(ESCAPED.length));
  return undefined;
}

/**
 * Sessions in Redis.
 *
 * @example With the official `redis` package
 * ```ts ignore
 * import { createClient } from "redis";
 * import { RedisSessionStore, SpiderwebRouter } from "jsr:@spiderweb/spiderweb";
 * const client = await createClient({ url: "redis://localhost:6379" }).connect();
 * const app = new SpiderwebRouter({
 *   middleware: ["spiderweb.middleware.sessions.SessionMiddleware"],
 *   session_store: new RedisSessionStore({ client }),
 * });
 * ```
 */
export class RedisSessionStore implements SessionStore {
  readonly #client: RedisClient;
  readonly #prefix: string;

  /**
   * Creates the store; nothing is sent until the first request.
   *
   * @param options the client and the key prefix
   */
  constructor(options: RedisSessionStoreOptions) {
    this.#client = options.client;
    this.#prefix = options.prefix ?? "spiderweb:";
  }

  #key(hash: string): string {
    return `${this.#prefix}s:${hash}`;
  }

  async #send(args: string[]): Promise<unknown> {
    try {
      return await this.#client.sendCommand(args);
    } catch (error) {
      // The driver's message is for the log, never for the client.
      throw Object.assign(
        new ServiceUnavailable("The session store is unavailable"),
        { cause: error },
      );
    }
  }

  #write(
    mode: "merge" | "create" | "rotate",
    hash: string,
    changes: SessionChanges,
    meta: {
      createdAt?: number;
      lastActive?: number;
      expiresAt?: number;
      userId?: string | null;
    },
    oldHash = "",
  ): Promise<unknown> {
    const args = [String(changes.set.size)];
    for (const [key, json] of changes.set) args.push(fieldOf(key), json);
    args.push(String(changes.remove.length));
    for (const key of changes.remove) args.push(fieldOf(key));
    const user = meta.userId === undefined ? "" : meta.userId ?? "-";
    args.push(
      meta.createdAt === undefined ? "" : String(meta.createdAt),
      meta.lastActive === undefined ? "" : String(meta.lastActive),
      meta.expiresAt === undefined ? "" : String(meta.expiresAt),
      user,
    );
    return this.#send([
      "EVAL",
      WRITE,
      "3",
      this.#key(hash),
      `${this.#prefix}u:`,
      this.#key(oldHash),
      mode,
      ...args,
    ]);
  }

  /**
   * The live (unexpired) session for a key hash.
   *
   * @param keyHash the hex SHA-256 of the session key
   * @param now the time, epoch ms
   * @returns the session, or undefined when missing or expired
   */
  async load(keyHash: string, now: number): Promise<SessionRecord | undefined> {
    const reply = await this.#send(["HGETALL", this.#key(keyHash)]);
    const fields = toFieldMap(reply);
    if (!fields.size) return undefined;
    const expiresAt = Number(fields.get("_expires"));
    if (!(expiresAt > now)) return undefined;
    let data: Record<string, unknown> | null = {};
    for (const [field, value] of fields) {
      try {
        const key = keyOf(field);
        if (key === undefined) continue;
        setOwn(data, key, JSON.parse(value));
      } catch {
        data = null;
        break;
      }
    }
    return {
      data,
      userId: fields.get("_user") ?? null,
      createdAt: Number(fields.get("_created")),
      lastActive: Number(fields.get("_last")),
      expiresAt,
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
    await this.#write("create", keyHash, { set: data, remove: [] }, meta);
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
    return Number(await this.#write("merge", keyHash, changes, update)) === 1;
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
    const none = { set: new Map<string, string>(), remove: [] };
    const reply = await this.#write("merge", keyHash, none, {
      lastActive,
      expiresAt,
    });
    return Number(reply) === 1;
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
    await this.#write("rotate", newHash, changes, meta, oldHash);
  }

  /**
   * Deletes a session.
   *
   * @param keyHash the hex SHA-256 of the session key
   */
  async destroy(keyHash: string): Promise<void> {
    await this.#send([
      "EVAL",
      DESTROY,
      "2",
      this.#key(keyHash),
      `${this.#prefix}u:`,
    ]);
  }

  /**
   * Deletes expired sessions.
   *
   * @param now the time, epoch ms
   * @returns how many were deleted
   */
  clearExpired(_now: number): Promise<number> {
    return Promise.resolve(0);
  }

  /**
   * Deletes every session of a user.
   *
   * @param userId the user's id
   * @returns how many were deleted
   */
  async revokeUser(userId: string): Promise<number> {
    return Number(
      await this.#send([
        "EVAL",
        REVOKE,
        "1",
        `${this.#prefix}u:${userId}`,
      ]),
    );
  }
}

// HGETALL answers a flat list (RESP2) or a map/object (RESP3, clients).
function toFieldMap(reply: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) {
      fields.set(String(reply[i]), String(reply[i + 1]));
    }
  } else if (reply instanceof Map) {
    for (const [k, v] of reply) fields.set(String(k), String(v));
  } else if (reply && typeof reply === "object") {
    for (const [k, v] of Object.entries(reply)) fields.set(k, String(v));
  }
  return fields;
}
