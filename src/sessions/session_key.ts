/**
 * Session keys: 64 characters of [A-Za-z0-9] from a CSPRNG without modulo
 * bias, stored only as their SHA-256 hash.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { randomString } from "../security/random_string.ts";

const KEY_LENGTH = 64;
const WELL_FORMED = /^[A-Za-z0-9]{64}$/;

/**
 * A new session key: 64 random alphanumeric characters.
 *
 * @example A session key
 * ```ts
 * import { generateKey } from "./session_key.ts";
 * console.assert(/^[A-Za-z0-9]{64}$/.test(generateKey()));
 * ```
 *
 * @returns the key
 */
export function generateKey(): string {
  return randomString(KEY_LENGTH);
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
