/**
 * Sessions in Redis (or Valkey): a hash per session, expired by Redis in
 * step with the idle and absolute timeouts, every change applied by one Lua
 * script (atomic), and a per-user set for revoking. No Redis package is
 * imported: any client with `sendCommand(args)` works.
 *
 * @module
 */

import { ServiceUnavailable } from "../../http/errors.ts";
import { setOwn } from "../../http/own_data.ts";
import type {
  SessionChanges,
  SessionMeta,
  SessionRecord,
  SessionStore,
} from "../session_store.ts";

/** A Redis client: the official `redis` package's `sendCommand` shape. */
export interface RedisClient {
  /** Sends one command; resolves with Redis' reply. */
  sendCommand(args: string[]): Promise<unknown>;
}

/** Options of `RedisSessionStore`. */
export interface RedisSessionStoreOptions {
  /** The client. ioredis: `{ sendCommand: ([c, ...a]) => redis.call(c, ...a) }`. */
  client: RedisClient;
  /** Prefix of every key. @default "spiderweb:" */
  prefix?: string;
}

// Data fields are "d:<key>"; metadata fields start with "_".
const DATA = "d:";

// KEYS[1] session, KEYS[2] user index prefix, KEYS[3] the old session when
// rotating. ARGV: mode, set count, field/value pairs, remove count, fields,
// then created, last, expires, user (each "" for unchanged).
const WRITE = `
local key = KEYS[1]
local mode = ARGV[1]
if mode == "merge" and redis.call("EXISTS", key) == 0 then return 0 end
if mode == "rotate" then
  local fields = redis.call("HGETALL", KEYS[3])
  local old = redis.call("HGET", KEYS[3], "_user")
  if old then redis.call("SREM", KEYS[2] .. old, KEYS[3]) end
  redis.call("DEL", KEYS[3])
  for n = 1, #fields, 2 do
    if string.sub(fields[n], 1, 2) == "d:" then
      redis.call("HSET", key, fields[n], fields[n + 1])
    end
  end
end
local i = 2
local sets = tonumber(ARGV[i]); i = i + 1
for n = 1, sets do
  redis.call("HSET", key, ARGV[i], ARGV[i + 1]); i = i + 2
end
local removes = tonumber(ARGV[i]); i = i + 1
for n = 1, removes do
  redis.call("HDEL", key, ARGV[i]); i = i + 1
end
local created, last, expires, user = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
if created ~= "" then redis.call("HSET", key, "_created", created) end
if last ~= "" then
  redis.call("HSET", key, "_last", last, "_expires", expires)
  redis.call("PEXPIREAT", key, expires)
end
if user ~= "" then
  local old = redis.call("HGET", key, "_user")
  if old then redis.call("SREM", KEYS[2] .. old, key) end
  if user == "-" then
    redis.call("HDEL", key, "_user")
  else
    redis.call("HSET", key, "_user", user)
    redis.call("SADD", KEYS[2] .. user, key)
  end
end
return 1
`;

const DESTROY = `
local user = redis.call("HGET", KEYS[1], "_user")
if user then redis.call("SREM", KEYS[2] .. user, KEYS[1]) end
return redis.call("DEL", KEYS[1])
`;

const REVOKE = `
local members = redis.call("SMEMBERS", KEYS[1])
local count = 0
for n = 1, #members do count = count + redis.call("DEL", members[n]) end
redis.call("DEL", KEYS[1])
return count
`;

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

  /** Creates the store; nothing is sent until the first request. */
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
      throw new ServiceUnavailable(
        `Session store (Redis) unavailable: ${(error as Error).message}`,
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
    for (const [key, json] of changes.set) args.push(DATA + key, json);
    args.push(String(changes.remove.length));
    for (const key of changes.remove) args.push(DATA + key);
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

  /** The live session, or undefined. */
  async load(keyHash: string, now: number): Promise<SessionRecord | undefined> {
    const reply = await this.#send(["HGETALL", this.#key(keyHash)]);
    const fields = toFieldMap(reply);
    if (!fields.size) return undefined;
    const expiresAt = Number(fields.get("_expires"));
    if (!(expiresAt > now)) return undefined;
    let data: Record<string, unknown> | null = {};
    for (const [field, value] of fields) {
      if (!field.startsWith(DATA)) continue;
      try {
        setOwn(data, field.slice(DATA.length), JSON.parse(value));
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

  /** Inserts a new session. */
  async create(
    keyHash: string,
    data: ReadonlyMap<string, string>,
    meta: SessionMeta & { createdAt: number },
  ): Promise<void> {
    await this.#write("create", keyHash, { set: data, remove: [] }, meta);
  }

  /** Applies the changed keys atomically (one Lua script). */
  async merge(
    keyHash: string,
    changes: SessionChanges,
    update: Partial<SessionMeta>,
  ): Promise<boolean> {
    return Number(await this.#write("merge", keyHash, changes, update)) === 1;
  }

  /** Moves the expiry. */
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

  /** Moves the data to the new key with the changes, in one script. */
  async rotate(
    oldHash: string,
    newHash: string,
    changes: SessionChanges,
    meta: SessionMeta & { createdAt: number },
  ): Promise<void> {
    await this.#write("rotate", newHash, changes, meta, oldHash);
  }

  /** Deletes a session. */
  async destroy(keyHash: string): Promise<void> {
    await this.#send([
      "EVAL",
      DESTROY,
      "2",
      this.#key(keyHash),
      `${this.#prefix}u:`,
    ]);
  }

  /** Redis expires sessions itself (PEXPIREAT); nothing is left to sweep. */
  clearExpired(_now: number): Promise<number> {
    return Promise.resolve(0);
  }

  /** Deletes every session of a user through the per-user index. */
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
