/**
 * `allowed_hosts` matching: exact or leading `*.` wildcard, never a prefix.
 *
 * @module
 */

import { ConfigError } from "./errors.ts";

/** One `allowed_hosts` entry. */
export type HostPattern = string | RegExp;

// A hostname, an IPv4 address or a bracketed IPv6 literal, with a port.
const HOST =
  /^(\[[0-9a-f:.]+\]|[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?)(?::(\d{1,5}))?$/;

/** Splits `Host` into a lower-case name (no trailing dot) and port, or null. */
export function parseHost(
  host: string,
): { name: string; port: string | undefined } | null {
  const match = HOST.exec(host.toLowerCase());
  if (!match) return null;
  const name = match[1].endsWith(".") ? match[1].slice(0, -1) : match[1];
  return { name, port: match[2] };
}

/** True when `regex` matches all of `text`, never just a part of it. */
export function matchesWhole(regex: RegExp, text: string): boolean {
  regex.lastIndex = 0;
  const match = regex.exec(text);
  return match !== null && match.index === 0 && match[0].length === text.length;
}

/**
 * Compiles `allowed_hosts` into a predicate over the `Host` header.
 *
 * @example Exact and wildcard hosts
 * ```ts
 * import { compileAllowedHosts } from "./allowed_hosts.ts";
 * const allowed = compileAllowedHosts(["example.com", "*.api.example"]);
 * console.assert(allowed("example.com:8000"));
 * console.assert(!allowed("example.com.evil.org"));
 * ```
 */
export function compileAllowedHosts(
  entries: readonly HostPattern[],
): (host: string) => boolean {
  const tests = entries.map((entry): (host: string) => boolean => {
    if (entry instanceof RegExp) return (host) => matchesWhole(entry, host);
    if (entry === "*") return (host) => parseHost(host) !== null;
    const parsed = parseHost(entry.replace(/^\*\./, "wildcard."));
    if (!parsed) {
      throw new ConfigError(
        `Invalid allowed_hosts entry ${JSON.stringify(entry)}`,
      );
    }
    const wildcard = entry.startsWith("*.");
    const suffix = wildcard ? parsed.name.slice("wildcard".length) : "";
    return (host) => {
      const h = parseHost(host);
      if (!h) return false;
      if (parsed.port !== undefined && h.port !== parsed.port) return false;
      return wildcard
        ? h.name.endsWith(suffix) && h.name.length > suffix.length
        : h.name === parsed.name;
    };
  });
  return (host) => tests.some((test) => test(host));
}
