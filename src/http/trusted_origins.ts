/**
 * Origin matching for `csrf_trusted_origins`: exact scheme, host and port
 * (default ports implied), a leading `*.` wildcard for subdomains, or a
 * RegExp matching the whole origin. Never a prefix match.
 *
 * @module
 */

import { matchesWhole } from "./allowed_hosts.ts";
import { ConfigError } from "./errors.ts";

/** One `csrf_trusted_origins` entry. */
export type OriginPattern = string | RegExp;

const DEFAULT_PORTS: Record<string, string> = {
  "http:": "80",
  "https:": "443",
};

/** An origin split into scheme, host and port, or null if it is not one. */
export function parseOrigin(
  origin: string,
): { scheme: string; host: string; port: string } | null {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]+$/i.test(origin)) return null;
  try {
    const url = new URL(origin);
    if (url.username || url.password) return null;
    return {
      scheme: url.protocol,
      host: url.hostname.toLowerCase(),
      port: url.port || DEFAULT_PORTS[url.protocol] || "",
    };
  } catch {
    return null;
  }
}

/** Why an entry is not a well-formed trusted origin, or undefined. */
export function originPatternProblem(entry: unknown): string | undefined {
  if (entry instanceof RegExp) return undefined;
  if (typeof entry !== "string") return `${String(entry)} is not a string`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) {
    return `${
      JSON.stringify(entry)
    } has no scheme; add one, e.g. "https://${entry}"`;
  }
  if (!parseOrigin(entry.replace("://*.", "://wildcard."))) {
    return `${JSON.stringify(entry)} is not an origin (scheme://host[:port])`;
  }
  return undefined;
}

/**
 * Compiles trusted origins into a predicate over an `Origin` header.
 *
 * @example Exact and wildcard origins
 * ```ts
 * import { compileTrustedOrigins } from "./trusted_origins.ts";
 * const trusted = compileTrustedOrigins(["https://*.partner.example"]);
 * console.assert(trusted("https://a.partner.example"));
 * console.assert(!trusted("https://partner.example"));
 * ```
 */
export function compileTrustedOrigins(
  entries: readonly OriginPattern[],
): (origin: string) => boolean {
  const tests = entries.map((entry): (origin: string) => boolean => {
    if (entry instanceof RegExp) {
      return (origin) => matchesWhole(entry, origin);
    }
    const problem = originPatternProblem(entry);
    if (problem) {
      throw new ConfigError(`Invalid csrf_trusted_origins entry: ${problem}`);
    }
    const wildcard = entry.includes("://*.");
    const pattern = parseOrigin(entry.replace("://*.", "://wildcard."))!;
    const suffix = wildcard ? pattern.host.slice("wildcard".length) : "";
    return (origin) => {
      const o = parseOrigin(origin);
      if (!o || o.scheme !== pattern.scheme || o.port !== pattern.port) {
        return false;
      }
      return wildcard
        ? o.host.endsWith(suffix) && o.host.length > suffix.length
        : o.host === pattern.host;
    };
  });
  return (origin) => tests.some((test) => test(origin));
}

/**
 * An origin in one spelling (`scheme://host:port`, lower-case, the port
 * always written), so that equal origins compare equal as strings.
 *
 * @example
 * ```ts
 * import { canonicalOrigin } from "./trusted_origins.ts";
 * console.assert(canonicalOrigin("HTTPS://App.Example") === "https://app.example:443");
 * ```
 *
 * @param origin the origin
 * @returns its canonical form, or null when it is not an origin
 */
export function canonicalOrigin(origin: string): string | null {
  const parsed = parseOrigin(origin);
  return parsed ? `${parsed.scheme}//${parsed.host}:${parsed.port}` : null;
}

/** True when two origins have the same scheme, host and port. */
export function sameOrigin(a: string, b: string): boolean {
  const x = parseOrigin(a);
  const y = parseOrigin(b);
  return x !== null && y !== null && x.scheme === y.scheme
    && x.host === y.host && x.port === y.port;
}
