/**
 * CSRF tokens: `<unix seconds>.<base64url HMAC-SHA256>` over the time and a
 * session key, with a key derived from the app secret. Checked in constant
 * time; a token is valid for `maxAge` seconds.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import {
  createHmac,
  createSecretKey,
  type KeyObject,
  timingSafeEqual,
} from "node:crypto";
import { deriveKey } from "./secret_key.ts";

const TOKEN = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
const MAX_CLOCK_SKEW = 60;

/**
 * Mints and checks CSRF tokens bound to session keys.
 *
 * @example A token verifies for its session only
 * ```ts
 * import { CsrfTokens } from "./csrf_token.ts";
 * const tokens = new CsrfTokens(() => "secret", 3600);
 * const token = tokens.mint("session-a");
 * console.assert(tokens.verify(token, "session-a"));
 * console.assert(!tokens.verify(token, "session-b"));
 * ```
 */
export class CsrfTokens {
  /** How long a token stays valid, in seconds. */
  readonly maxAge: number;
  readonly #secret: () => string;
  #key: KeyObject | undefined;

  /**
   * Creates the token maker; the secret is read on first use.
   *
   * @param secret returns the app secret
   * @param maxAge the token lifetime in seconds
   */
  constructor(secret: () => string, maxAge: number) {
    this.#secret = secret;
    this.maxAge = maxAge;
  }

  // A KeyObject, made once: Node re-imports a raw key on every HMAC.
  #hmacKey(): KeyObject {
    return this.#key ??= createSecretKey(deriveKey(this.#secret(), "csrf"));
  }

  // node:crypto's HMAC is synchronous and several times faster than an
  // awaited WebCrypto sign on this per-response path.
  #mac(key: KeyObject, seconds: number, sessionKey: string): Buffer {
    return createHmac("sha256", key).update(`${seconds}|${sessionKey}`)
      .digest();
  }

  /**
   * A new token for a session key.
   *
   * @param sessionKey the session key the token is bound to
   * @param now the time, epoch ms
   * @returns the token
   */
  mint(sessionKey: string, now: number = Date.now()): string {
    const seconds = Math.floor(now / 1000);
    const mac = this.#mac(this.#hmacKey(), seconds, sessionKey);
    return `${seconds}.${mac.toString("base64url")}`;
  }

  /**
   * Checks a token.
   *
   * @param token the token as sent
   * @param sessionKey the key of the session it must be bound to
   * @returns true when it was minted for `sessionKey` and is still fresh
   */
  verify(token: string, sessionKey: string): boolean {
    const match = TOKEN.exec(token);
    if (!match) return false;
    const seconds = Number(match[1]);
    const now = Math.floor(Date.now() / 1000);
    if (now - seconds > this.maxAge || seconds - now > MAX_CLOCK_SKEW) {
      return false;
    }
    const given = Buffer.from(match[2], "base64url");
    const expected = this.#mac(this.#hmacKey(), seconds, sessionKey);
    // Constant-time comparison of equal-length MACs.
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
