/**
 * Random alphanumeric strings from a CSPRNG without modulo bias: session
 * keys, password salts, unusable-password markers.
 *
 * @module
 */

const ALPHABET =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// 248 = 4 * 62: bytes at or above it would favour the first 8 characters.
const UNBIASED_LIMIT = 248;

/**
 * A new random string of `[A-Za-z0-9]`.
 *
 * @example A salt
 * ```ts
 * import { randomString } from "./random_string.ts";
 * console.assert(/^[A-Za-z0-9]{22}$/.test(randomString(22)));
 * ```
 *
 * @param length how many characters
 * @returns the string
 */
export function randomString(length: number): string {
  let text = "";
  const bytes = new Uint8Array(length * 2);
  while (text.length < length) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte < UNBIASED_LIMIT) text += ALPHABET[byte % 62];
      if (text.length === length) break;
    }
  }
  return text;
}
