/**
 * Byte lengths of strings, for size decisions (gzip's minimum length) that
 * should not encode a body only to measure it.
 *
 * @module
 */

/**
 * The UTF-8 length of a string without encoding it, as `TextEncoder` would
 * encode it (a lone surrogate becomes U+FFFD, 3 bytes; a pair is 4).
 *
 * @example
 * ```ts
 * import { utf8Length } from "./utf8_length.ts";
 * console.assert(utf8Length("€uro") === 6);
 * ```
 *
 * @param text the string
 * @returns its length in bytes
 */
export function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) length += 1;
    else if (
      code >= 0xd800 && code <= 0xdbff && i + 1 < text.length
      && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
    ) {
      length += 2; // 2 units, 4 bytes
      i++;
    } else length += 2;
  }
  return length;
}
