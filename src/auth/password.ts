/**
 * Django-compatible password hashes, `pbkdf2_sha256$<iterations>$<salt>$<hash>`,
 * with WebCrypto's PBKDF2. Hashes made by Django or the Python original
 * verify; comparison is constant-time.
 *
 * @module
 */

import { randomString } from "../security/random_string.ts";

/** Iterations for new hashes (Django 5's default). */
export const PBKDF2_ITERATIONS = 600_000;
/** Longer passwords are refused (Django's limit, against hashing DoS). */
export const MAX_PASSWORD_LENGTH = 4096;
// Stored hashes beyond this are treated as malformed rather than run.
const MAX_ITERATIONS = 10_000_000;
const UNUSABLE_PREFIX = "!";

async function pbkdf2(
  password: string,
  salt: string,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    {
      name: "PBKDF2",
      hash: "SHA-256",
      salt: new TextEncoder().encode(salt),
      iterations,
    },
    key,
    256,
  );
  return new Uint8Array(bits);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// Constant-time for equal lengths: every byte is compared.
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Hashes a password in Django's format (`pbkdf2_sha256$iterations$salt$hash`).
 *
 * @example Hashing and checking
 * ```ts
 * import { checkPassword, makePassword } from "../../mod.ts";
 * const encoded = await makePassword("s3cret", 1000);
 * console.assert(await checkPassword("s3cret", encoded));
 * ```
 *
 * @param password the password
 * @param iterations PBKDF2 iterations
 * @returns the encoded hash
 * @throws RangeError for a password over 4096 characters
 */
export async function makePassword(
  password: string,
  iterations: number = PBKDF2_ITERATIONS,
): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new RangeError(
      `Password is longer than ${MAX_PASSWORD_LENGTH} characters`,
    );
  }
  const salt = randomString(22);
  const hash = toBase64(await pbkdf2(password, salt, iterations));
  return `pbkdf2_sha256$${iterations}$${salt}$${hash}`;
}

/** An unusable password: `!` and 40 random characters; never verifies. */
export function makeUnusablePassword(): string {
  return UNUSABLE_PREFIX + randomString(40);
}

/** True unless the hash is empty or unusable. */
export function isUsablePassword(encoded: string | null | undefined): boolean {
  return !!encoded && !encoded.startsWith(UNUSABLE_PREFIX);
}

/**
 * True when `password` matches `encoded`, compared in constant time. False
 * for empty input, unusable or malformed hashes, unknown algorithms and
 * over-long passwords.
 *
 * @example Checking a Django hash
 * ```ts
 * import { checkPassword, makePassword } from "../../mod.ts";
 * const encoded = await makePassword("pw", 1000);
 * console.assert(!await checkPassword("wrong", encoded));
 * ```
 *
 * @param password the password to check
 * @param encoded a hash from `makePassword` (or Django)
 * @returns whether they match
 */
export async function checkPassword(
  password: string | null | undefined,
  encoded: string | null | undefined,
): Promise<boolean> {
  if (!password || !isUsablePassword(encoded)) return false;
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const parsed = parsePasswordHash(encoded!);
  if (!parsed) return false;
  const actual = await pbkdf2(password, parsed.salt, parsed.iterations);
  return equalBytes(actual, parsed.hash);
}

/**
 * The parts of a `pbkdf2_sha256$iterations$salt$hash` string.
 *
 * @example
 * ```ts
 * import { parsePasswordHash } from "./password.ts";
 * console.assert(parsePasswordHash("pbkdf2_sha256$1000$salt$AAAA")?.iterations === 1000);
 * console.assert(parsePasswordHash("md5$x$y") === null);
 * ```
 *
 * @param encoded the stored hash
 * @returns the parts, or null for another algorithm, a malformed string, or
 *   iterations outside 1 to 10,000,000 (so a crafted hash cannot make a
 *   check run for minutes)
 */
export function parsePasswordHash(
  encoded: string,
): { iterations: number; salt: string; hash: Uint8Array } | null {
  const parts = encoded.split("$");
  if (parts.length !== 4 || parts[0] !== "pbkdf2_sha256") return null;
  const iterations = Number(parts[1]);
  if (
    !Number.isSafeInteger(iterations) || iterations < 1
    || iterations > MAX_ITERATIONS
  ) {
    return null;
  }
  try {
    const hash = Uint8Array.from(atob(parts[3]), (c) => c.charCodeAt(0));
    return { iterations, salt: parts[2], hash };
  } catch {
    return null;
  }
}
