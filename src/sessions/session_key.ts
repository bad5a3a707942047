/**
 * Session keys: 64 characters of [A-Za-z0-9] from a CSPRNG without modulo
 * bias, stored only as their SHA-256 hash.
 *
 * @module
 */

import { createHash } from "node:crypto";

const ALPHABET =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const KEY_LENGTH = 64;
const WELL_FORMED = /^[A-Za-z0-9]{64}$/;
// 248 = 4 * 62: bytes at or above it would favour the first 8 characters.
const UNBIASED_LIMIT = 248;

/**
 * A new random alphanumeric string (64 characters by default).
 *
 * @example A session key
 * ```ts
 * import { generateKey } from "./session_key.ts";
 * console.assert(/^[A-Za-z0-9]{64}$/.test(generateKey()));
 * ```
 */
export function generateKey(length = KEY_LENGTH): string {
  let key = "";
  const bytes = new Uint8Array(length * 2);
  while (key.length < length) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte < UNBIASED_LIMIT) key += ALPHABET[byte % 62];
      if (key.length === length) break;
    }
  }
  return key;
}

/** True when `value` could be a key this framework issued. */
export function isWellFormedKey(value: string | undefined): value is string {
  return value !== undefined && WELL_FORMED.test(value);
}

/**
 * The hex SHA-256 of a key: what the store keeps instead of the key.
 * `node:crypto` hashes synchronously on all three runtimes, several times
 * faster than an awaited `crypto.subtle.digest` on this hot path.
 */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
