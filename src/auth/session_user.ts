/**
 * Who is logged in: the user id `login()` keeps in the session, and the
 * loader that turns it into `request.user` on first read.
 *
 * @module
 */

import type { SpiderwebRequest } from "../core/request.ts";
import { ANONYMOUS_USER, type AnonymousUser } from "./anonymous_user.ts";
import type { User } from "./user.ts";
import { getUser } from "./users.ts";

/** The session key under which `login()` stores the user's id. */
export const AUTH_USER_KEY = "_auth_user_id";

/**
 * The logged-in user of a request: the active user whose id the session
 * holds, else `AnonymousUser`. `request.user` calls this on first read.
 *
 * @example Without a session, everyone is anonymous
 * ```ts
 * import { SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/", (request) => ({ user: String((request.user as { username: string }).username) }));
 * const response = await app.fetch(new Request("http://localhost/"));
 * console.assert((await response.json()).user === "");
 * ```
 *
 * @param request the request
 * @returns the user
 */
export function loadSessionUser(
  request: SpiderwebRequest,
): User | AnonymousUser {
  const userId = request.SESSION?.[AUTH_USER_KEY];
  if (userId === undefined) return ANONYMOUS_USER;
  const user = getUser(request.server, String(userId));
  return user?.is_active ? user : ANONYMOUS_USER;
}
