/**
 * The app's secret: `secret_key` when given, else a key generated once and
 * kept in the database (so it survives restarts and is shared by every
 * process on that database), and the sub-keys derived from it with HKDF.
 *
 * @module
 */

import { hkdfSync } from "node:crypto";
import type { App } from "../core/app.ts";

const SCHEMA = `CREATE TABLE IF NOT EXISTS spiderweb_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at INTEGER NOT NULL
)`;

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(
    /=+$/,
    "",
  );
}

/**
 * The secret key: the option, else the one stored in `spiderweb_secrets`
 * (created on first need with `INSERT OR IGNORE`, so concurrent processes
 * agree), with a warning that production should set one.
 */
export function appSecret(app: App): string {
  if (app.secret_key) return app.secret_key;
  const db = app.db;
  db.exec(SCHEMA);
  db.prepare(
    "INSERT OR IGNORE INTO spiderweb_secrets (name, value, created_at) VALUES ('secret_key', ?, ?)",
  ).run(base64url(crypto.getRandomValues(new Uint8Array(32))), Date.now());
  const row = db.prepare(
    "SELECT value FROM spiderweb_secrets WHERE name = 'secret_key'",
  ).get();
  app.log.warn(
    "No secret_key set; using a generated key stored in the database. Set secret_key explicitly in production.",
  );
  return String(row?.value);
}

/**
 * 32 key bytes derived from the app secret with HKDF-SHA256 (RFC 5869) for
 * `purpose`: the same bytes WebCrypto's HKDF gives, computed synchronously
 * so that tokens cost no promise.
 *
 * @example
 * ```ts
 * import { deriveKey } from "./secret_key.ts";
 * console.assert(deriveKey("secret", "csrf").length === 32);
 * ```
 *
 * @param secret the app secret
 * @param purpose what the key is for (HKDF's info)
 * @returns the key bytes
 */
export function deriveKey(secret: string, purpose: string): Uint8Array {
  return new Uint8Array(
    hkdfSync("sha256", secret, "spiderweb", purpose, 32),
  );
}
