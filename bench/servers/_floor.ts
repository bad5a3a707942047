// The necessary work of the session workloads, written by hand: what any
// correct implementation must do, and so the fair floor for the framework.
// Same table and statements as spiderweb's SQLite store (WAL,
// synchronous=NORMAL), keys hashed with SHA-256, the expiry refreshed only
// when spiderweb would (past min(60 s, max_age / 10)), and for the stack
// workload the HMAC CSRF token and gzip at level 6 on every response.
import { createHash, createHmac, createSecretKey, hkdfSync } from "node:crypto";
import { gzipSync } from "node:zlib";
import { DB } from "./_shared.ts";

type Stmt = { run(...p: unknown[]): unknown; get(...p: unknown[]): unknown };
type Db = { exec(sql: string): void; prepare(sql: string): Stmt };

const isBun = "Bun" in globalThis;
const lib = await import(isBun ? "bun:sqlite" : "node:sqlite");
const db: Db = isBun ? new lib.Database(DB) : new lib.DatabaseSync(DB);
if (isBun) {
  (db as unknown as { exec: (s: string) => void }).exec = (s) =>
    (db as unknown as { run(s: string): void }).run(s);
}
db.exec(
  "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000",
);
db.exec(`CREATE TABLE IF NOT EXISTS spiderweb_sessions (
  session_key_hash TEXT PRIMARY KEY, user_id TEXT NULL,
  session_data TEXT NOT NULL, created_at INTEGER NOT NULL,
  last_active INTEGER NOT NULL, expires_at INTEGER NOT NULL)`);

const MAX_AGE = 1209600 * 1000;
const TOUCH = 60_000;
const select = db.prepare(
  "SELECT user_id, session_data, created_at, last_active, expires_at FROM spiderweb_sessions WHERE session_key_hash = ? AND expires_at > ?",
);
const insert = db.prepare(
  "INSERT INTO spiderweb_sessions (session_key_hash, user_id, session_data, created_at, last_active, expires_at) VALUES (?, NULL, ?, ?, ?, ?)",
);
const merge = db.prepare(
  "UPDATE spiderweb_sessions SET session_data = json_set(session_data, ?, json(?)) WHERE session_key_hash = ?",
);
const touch = db.prepare(
  "UPDATE spiderweb_sessions SET last_active = ?, expires_at = ? WHERE session_key_hash = ?",
);
const changes = db.prepare("SELECT total_changes() AS n");
const csrfKey = createSecretKey(
  new Uint8Array(hkdfSync("sha256", "bench", "spiderweb", "csrf", 32)),
);
const KEY = /(?:^|;\s*)swsession=([A-Za-z0-9]{64})(?:;|$)/;
const ALPHABET =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A session as the floor loaded it. */
export interface FloorSession {
  key: string;
  hash: string;
  data: Record<string, unknown>;
  lastActive: number;
}

function cookieFor(key: string, now: number): string {
  return `swsession=${key}; Expires=${
    new Date(now + MAX_AGE).toUTCString()
  }; Max-Age=${MAX_AGE / 1000}; Path=/; SameSite=Lax; HttpOnly`;
}

/** Creates a session holding `{ val: 0 }`; returns its Set-Cookie value. */
export function seed(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(64));
  const key = Array.from(bytes, (b) => ALPHABET[b % 62]).join("");
  const now = Date.now();
  const hash = createHash("sha256").update(key).digest("hex");
  insert.run(hash, "{\"val\":0}", now, now, now + MAX_AGE);
  return cookieFor(key, now);
}

/** The live session named by a Cookie header, or null. */
export function load(cookie: string): FloorSession | null {
  const key = KEY.exec(cookie)?.[1];
  if (!key) return null;
  const hash = createHash("sha256").update(key).digest("hex");
  const row = select.get(hash, Date.now()) as
    | { session_data: string; last_active: number }
    | undefined;
  if (!row) return null;
  return {
    key,
    hash,
    data: JSON.parse(row.session_data),
    lastActive: Number(row.last_active),
  };
}

/**
 * Refreshes the expiry when spiderweb would; returns the Set-Cookie value
 * it then sends, or null.
 */
export function refresh(session: FloorSession): string | null {
  const now = Date.now();
  if (now - session.lastActive <= TOUCH) return null;
  touch.run(now, now + MAX_AGE, session.hash);
  return cookieFor(session.key, now);
}

/** Writes one changed key as spiderweb's merge does (json_set). */
export function write(session: FloorSession, key: string): void {
  merge.run(`$."${key}"`, JSON.stringify(session.data[key]), session.hash);
}

/** The CSRF token spiderweb sends: `<seconds>.<base64url HMAC>`. */
export function csrfToken(session: FloorSession): string {
  const seconds = Math.floor(Date.now() / 1000);
  const mac = createHmac("sha256", csrfKey)
    .update(`${seconds}|${session.key}`).digest("base64url");
  return `${seconds}.${mac}`;
}

/** The page compressed per response, as a server must. */
export function gzip(page: string): Uint8Array {
  return gzipSync(page, { level: 6 });
}

/** Rows written so far (the workloads report database writes). */
export function writes(): number {
  return Number((changes.get() as { n: number }).n);
}
