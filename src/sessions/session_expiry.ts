/**
 * When a session expires, as Django computes it: the settings, or a
 * per-session expiry (`setExpiry`) kept in the data under
 * `_session_expiry` (seconds of inactivity, `0` for "when the browser
 * closes", or an ISO date), always capped by `session_absolute_max_age`.
 *
 * @module
 */

import type { SessionSettings } from "./session_settings.ts";

/** The session data key holding a per-session expiry (Django's name). */
export const EXPIRY_KEY = "_session_expiry";

/** What `setExpiry` takes: seconds, an absolute `Date`, 0, or null. */
export type ExpiryValue = number | Date | null;

declare module "../core/request_services.ts" {
  /** The sessions feature's methods on `request.session`. */
  interface SessionControl {
    /**
     * Sets this session's expiry, as Django's `set_expiry`.
     *
     * @param value seconds of inactivity, a `Date`, `0` (browser close) or `null`
     */
    setExpiry(value: ExpiryValue): void;
    /**
     * Seconds from now until the session expires, if it stays idle.
     *
     * @returns the expiry age in seconds
     */
    getExpiryAge(): number;
    /**
     * When the session expires, if it stays idle from now.
     *
     * @returns the expiry date
     */
    getExpiryDate(): Date;
    /**
     * Whether the session cookie ends when the browser closes.
     *
     * @returns true for `setExpiry(0)` or `session_expire_at_browser_close`
     */
    getExpireAtBrowserClose(): boolean;
  }
}

/**
 * The stored form of an expiry.
 *
 * @param value seconds of inactivity, a `Date`, `0` (browser close) or null
 * @returns the number or ISO date to store, or undefined for null
 * @throws TypeError for anything else (a negative or non-finite number, an invalid date)
 */
export function storedExpiry(value: ExpiryValue): number | string | undefined {
  if (value === null) return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      throw new TypeError("setExpiry() got an invalid Date");
    }
    return value.toISOString();
  }
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) {
    return value;
  }
  throw new TypeError(
    `setExpiry() takes seconds (a number >= 0), a Date or null, got ${
      JSON.stringify(value) ?? String(value)
    }`,
  );
}

/**
 * When a session expires.
 *
 * @param settings the session settings
 * @param createdAt creation time, epoch ms
 * @param lastActive last activity, epoch ms
 * @param expiry the stored per-session expiry, if any
 * @returns the expiry, epoch ms
 */
export function sessionExpiry(
  settings: SessionSettings,
  createdAt: number,
  lastActive: number,
  expiry?: unknown,
): number {
  const at = typeof expiry === "string"
    ? Date.parse(expiry)
    : lastActive + idleSeconds(settings, expiry) * 1000;
  const absolute = settings.session_absolute_max_age;
  return absolute === null ? at : Math.min(at, createdAt + absolute * 1000);
}

/**
 * The seconds of inactivity a session may last.
 *
 * @param settings the session settings
 * @param expiry the stored per-session expiry, if any
 * @returns a positive number of seconds
 */
export function idleSeconds(
  settings: SessionSettings,
  expiry?: unknown,
): number {
  return typeof expiry === "number" && expiry > 0
    ? expiry
    : settings.session_max_age;
}

/**
 * How often activity refreshes the expiry: at most once a minute and a
 * tenth of the idle time, so read-only requests do not write every time.
 *
 * @param settings the session settings
 * @param expiry the stored per-session expiry, if any
 * @returns the interval in ms
 */
export function touchInterval(
  settings: SessionSettings,
  expiry?: unknown,
): number {
  return Math.min(60_000, idleSeconds(settings, expiry) * 100);
}

/**
 * Whether the session cookie should end with the browser (no `Max-Age`).
 *
 * @param settings the session settings
 * @param expiry the stored per-session expiry, if any
 * @returns true for `setExpiry(0)`, or with the setting and no expiry set
 */
export function expiresAtBrowserClose(
  settings: SessionSettings,
  expiry?: unknown,
): boolean {
  return expiry === undefined
    ? settings.session_expire_at_browser_close
    : expiry === 0;
}
