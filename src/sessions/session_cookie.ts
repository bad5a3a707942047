/**
 * The session cookie, set and deleted through the one cookie serializer
 * (`http/cookie.ts`), so a deletion repeats the attributes of the cookie it
 * deletes, and every response that carries it gets `Cache-Control: no-store`.
 *
 * @module
 */

import type { SpiderwebRequest } from "../core/request.ts";
import type { HttpResponse } from "../core/response.ts";
import { type CookieOptions, cookieWriter } from "../http/cookie.ts";
import type { SessionSettings } from "./session_settings.ts";
import type { SessionStore } from "./session_store.ts";

/** What every session of one middleware shares. */
export interface SessionContext {
  /** Where sessions live. */
  readonly store: SessionStore;
  /** The resolved settings. */
  readonly settings: SessionSettings;
  /** The cookie's fixed attributes: path, domain, SameSite, HttpOnly, Secure. */
  readonly cookie: CookieOptions;
  /** Warns about corrupted data. */
  readonly warn: (message: string) => void;
}

type CookieWrite = ReturnType<typeof cookieWriter>;

// The cookie's attributes are checked once per middleware, not per response.
const writers = new WeakMap<SessionContext, Map<boolean, CookieWrite>>();

function writerFor(context: SessionContext, secure: boolean): CookieWrite {
  let bySecure = writers.get(context);
  if (!bySecure) writers.set(context, bySecure = new Map());
  let write = bySecure.get(secure);
  if (!write) {
    write = cookieWriter(context.settings.session_cookie_name, {
      ...context.cookie,
      secure,
    });
    bySecure.set(secure, write);
  }
  return write;
}

/**
 * Sets the session cookie for `key`, expiring with the session.
 *
 * @param context the middleware's settings
 * @param request the request (HTTPS requests always get Secure)
 * @param response the response to set it on
 * @param key the session key
 * @param expiresAt the session's expiry, epoch ms, or null for a cookie
 *   that ends with the browser (no `Max-Age` or `Expires`)
 * @param now the time, epoch ms
 */
export function setSessionCookie(
  context: SessionContext,
  request: SpiderwebRequest,
  response: HttpResponse,
  key: string,
  expiresAt: number | null,
  now: number,
): void {
  const write = writerFor(context, context.cookie.secure || request.isSecure());
  response.headers.append(
    "set-cookie",
    write(
      key,
      expiresAt === null ? {} : {
        max_age: Math.max(0, Math.floor((expiresAt - now) / 1000)),
        expires: new Date(expiresAt),
      },
    ),
  );
  response.headers.set("cache-control", "no-store");
}

/**
 * Deletes the session cookie with the attributes it was set with.
 *
 * @param context the middleware's settings
 * @param request the request (HTTPS requests always get Secure)
 * @param response the response to delete it on
 */
export function deleteSessionCookie(
  context: SessionContext,
  request: SpiderwebRequest,
  response: HttpResponse,
): void {
  response.deleteCookie(context.settings.session_cookie_name, {
    ...context.cookie,
    secure: context.cookie.secure || request.isSecure(),
  });
  response.headers.set("cache-control", "no-store");
}
