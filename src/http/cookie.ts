/**
 * Cookie parsing and `Set-Cookie` serializing (RFC 6265). Every part of a
 * `Set-Cookie` is validated, so no input can inject an attribute or header.
 *
 * @module
 */

import { GeneralException } from "./errors.ts";

/** Attributes of a `Set-Cookie`, snake_case as in spiderweb. */
export interface CookieOptions {
  /** `Domain`; must not contain `;`, space or control characters. */
  domain?: string;
  /** `Expires`, written in UTC. */
  expires?: Date;
  /** `HttpOnly`: hidden from client-side JavaScript. */
  http_only?: boolean;
  /** `Max-Age` in seconds; `0` is emitted and deletes the cookie. */
  max_age?: number;
  /** `Partitioned` (CHIPS). */
  partitioned?: boolean;
  /** `Path`; must not contain `;` or control characters. */
  path?: string;
  /** `Secure`: sent over HTTPS only. */
  secure?: boolean;
  /** `SameSite`: "strict", "lax" or "none" (case-insensitive). */
  same_site?: string;
}

// RFC 6265 §4.1.1 token (RFC 2616 token characters).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Attribute values: no `;`, no controls, no non-ASCII (RFC 6265 §4.1.1 av-octet).
const ATTRIBUTE_VALUE = /^[\x20-\x3A\x3C-\x7E]*$/;
const SAME_SITE_VALUES = ["strict", "lax", "none"];
// RFC 6265bis §5.6: user agents drop a name plus value over 4096 octets.
const MAX_COOKIE_BYTES = 4096;
// Bounds the work one hostile Cookie header can cause (RFC 6265 §6.1).
const MAX_COOKIE_PAIRS = 256;

/** True when `name` is an RFC 6265 token, so it may name a cookie. */
export function isValidCookieName(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * Checks cookie attributes and throws a `GeneralException` naming the first
 * invalid one; used by `setCookie` and by the session settings check.
 */
export function validateCookie(name: string, options: CookieOptions): void {
  if (!isValidCookieName(name)) {
    throw new GeneralException(
      `Invalid cookie name ${
        JSON.stringify(name)
      }: a cookie name must be an RFC 6265 token`,
    );
  }
  const { domain, path, same_site, secure, max_age } = options;
  if (domain !== undefined && (!domain || !ATTRIBUTE_VALUE.test(domain))) {
    throw new GeneralException(
      `Invalid cookie domain ${JSON.stringify(domain)}`,
    );
  }
  if (path !== undefined && (!path || !ATTRIBUTE_VALUE.test(path))) {
    throw new GeneralException(`Invalid cookie path ${JSON.stringify(path)}`);
  }
  if (same_site !== undefined && same_site !== null) {
    if (!SAME_SITE_VALUES.includes(String(same_site).toLowerCase())) {
      throw new GeneralException(
        `Invalid value ${same_site} for \`same_site\` cookie attribute. Valid options are 'strict', 'lax', or 'none'.`,
      );
    }
    if (same_site.toLowerCase() === "none" && !secure) {
      throw new GeneralException("SameSite=None requires Secure");
    }
  }
  if (max_age !== undefined && !Number.isFinite(max_age)) {
    throw new GeneralException(
      `Invalid cookie max_age ${String(max_age)}: expected a number of seconds`,
    );
  }
  if (name.startsWith("__Secure-") && !secure) {
    throw new GeneralException(`Cookie ${name} requires secure`);
  }
  if (name.startsWith("__Host-") && (!secure || path !== "/" || domain)) {
    throw new GeneralException(
      `Cookie ${name} requires secure and path "/", and forbids domain`,
    );
  }
}

/**
 * Serializes one `Set-Cookie` value; the value is percent-encoded.
 *
 * @param name an RFC 6265 token
 * @param value any string; encoded with `encodeURIComponent`
 * @param options the attributes
 * @returns the header value, attributes in spiderweb's order
 *
 * @example Serializing a cookie
 * ```ts
 * import { serializeCookie } from "./cookie.ts";
 * const header = serializeCookie("theme", "dark mode", { path: "/" });
 * console.assert(header === "theme=dark%20mode; Path=/");
 * ```
 */
export function serializeCookie(
  name: string,
  value: string | number | boolean,
  options: CookieOptions = {},
): string {
  return cookieWriter(name, options)(value);
}

/** The per-call part of a cookie: when it expires. */
export interface CookieTiming {
  /** `Expires`, written in UTC. */
  expires?: Date;
  /** `Max-Age` in seconds. */
  max_age?: number;
}

/**
 * A serializer for one cookie whose name and attributes are checked once,
 * for cookies set on many responses (the session cookie).
 *
 * @example
 * ```ts
 * import { cookieWriter } from "./cookie.ts";
 * const write = cookieWriter("sid", { path: "/", http_only: true });
 * console.assert(write("abc", { max_age: 60 }) === "sid=abc; Max-Age=60; Path=/; HttpOnly");
 * ```
 *
 * @param name an RFC 6265 token
 * @param options the attributes every value gets
 * @returns a function of the value (and its expiry) to a `Set-Cookie` value
 * @throws GeneralException for an invalid name or attribute
 */
export function cookieWriter(
  name: string,
  options: CookieOptions = {},
): (value: string | number | boolean, timing?: CookieTiming) => string {
  validateCookie(name, options);
  const domain = options.domain ? `; Domain=${options.domain}` : "";
  let suffix = options.path ? `; Path=${options.path}` : "";
  if (options.same_site) {
    const sameSite = options.same_site.toLowerCase();
    suffix += `; SameSite=${sameSite[0].toUpperCase()}${sameSite.slice(1)}`;
  }
  if (options.http_only) suffix += "; HttpOnly";
  if (options.partitioned) suffix += "; Partitioned";
  if (options.secure) suffix += "; Secure";
  return (value, timing = {}) => {
    if (value === null || value === undefined) {
      throw new GeneralException(
        `Cookie ${JSON.stringify(name)} has no value (got ${value})`,
      );
    }
    const encoded = encodeURIComponent(String(value));
    if (name.length + encoded.length + 1 > MAX_COOKIE_BYTES) {
      throw new GeneralException(
        `Cookie ${name} is longer than ${MAX_COOKIE_BYTES} bytes`,
      );
    }
    let header = `${name}=${encoded}${domain}`;
    const expires = timing.expires ?? options.expires;
    if (expires) header += `; Expires=${expires.toUTCString()}`;
    const maxAge = timing.max_age ?? options.max_age;
    if (typeof maxAge === "number") {
      if (!Number.isFinite(maxAge)) {
        throw new GeneralException(
          `Invalid cookie max_age ${maxAge}: expected a number of seconds`,
        );
      }
      header += `; Max-Age=${Math.trunc(maxAge)}`;
    }
    return header + suffix;
  };
}

function decode(value: string): string {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // A malformed escape keeps the raw value.
  }
}

function trimSpaceAndTab(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text[start] === " " || text[start] === "\t")) start++;
  while (end > start && (text[end - 1] === " " || text[end - 1] === "\t")) {
    end--;
  }
  return text.slice(start, end);
}

/**
 * Parses a `Cookie` header into a null-prototype record. Segments without
 * `=` are skipped, empty names are kept, only space and tab are trimmed, the last duplicate wins,
 * values are percent-decoded (a malformed escape keeps the raw value), and at
 * most 256 pairs are read.
 *
 * @example Parsing a header
 * ```ts
 * import { parseCookieHeader } from "./cookie.ts";
 * const cookies = parseCookieHeader("a=1; b=x%20y");
 * console.assert(cookies.b === "x y");
 * ```
 */
export function parseCookieHeader(header: string): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  let pairs = 0;
  let start = 0;
  while (start < header.length && pairs < MAX_COOKIE_PAIRS) {
    let end = header.indexOf(";", start);
    if (end === -1) end = header.length;
    const eq = header.indexOf("=", start);
    if (eq !== -1 && eq < end) {
      // An empty name is kept, as the original does (`=v` is `{"": "v"}`).
      const name = trimSpaceAndTab(header.slice(start, eq));
      cookies[name] = decode(trimSpaceAndTab(header.slice(eq + 1, end)));
      pairs++;
    }
    start = end + 1;
  }
  return cookies;
}
