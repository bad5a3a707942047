/**
 * `authenticate`, `login`, `logout` and `logoutAll` on the session layer.
 * Login rotates the session key (no fixation); logout deletes the session
 * (a replayed cookie is anonymous).
 *
 * @module
 */

import { sessionOf, sessionStoreOf } from "../sessions/session_middleware.ts";
import { AUTH_USER_KEY } from "./session_user.ts";
import { checkPassword, PBKDF2_ITERATIONS } from "./password.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import { ANONYMOUS_USER } from "./anonymous_user.ts";
import type { User } from "./user.ts";
import { getUserByUsername } from "./users.ts";

// Verifying against this when the user does not exist keeps the time taken
// the same, so response times do not reveal which usernames exist.
const DUMMY_HASH =
  `pbkdf2_sha256$${PBKDF2_ITERATIONS}$spiderwebdummysalt0000$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

/** What `authenticate` takes. */
export interface Credentials {
  /** The username. */
  username: string;
  /** The raw password. */
  password: string;
}

/**
 * The active user with these credentials. Every failure (unknown user,
 * inactive user, unusable or wrong password) takes one password hash, so
 * timing does not reveal which usernames exist.
 *
 * @example A login view
 * ```ts
 * import { authenticate, login, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:" });
 * app.route("/login", async (request) => {
 *   const user = await authenticate(request, {
 *     username: request.POST.get("username") ?? "",
 *     password: request.POST.get("password") ?? "",
 *   });
 *   if (!user) return { ok: false };
 *   await login(request, user);
 *   return { ok: true };
 * }, { allowed_methods: ["POST"] });
 * await app.close();
 * ```
 *
 * @param request the request (its app holds the users)
 * @param credentials the username and password
 * @returns the user, or null
 */
export async function authenticate(
  request: SpiderwebRequest,
  credentials: Credentials,
): Promise<User | null> {
  const username = credentials?.username;
  const password = credentials?.password;
  if (typeof username !== "string" || typeof password !== "string") {
    return null;
  }
  if (!username || username.length > 150) return null;
  const user = getUserByUsername(request.server, username);
  // One full hash on every path (unknown, inactive, unusable password, wrong
  // password), so response times do not tell which accounts exist.
  const usable = user !== null && user.is_active && user.hasUsablePassword();
  const matches = await checkPassword(
    password,
    usable ? user.password : DUMMY_HASH,
  );
  return usable && matches ? user : null;
}

/**
 * Logs `user` in: rotates the session key (keeping the data; the old key
 * dies), stores the user's id in the session, sets `request.user` and
 * `last_login`.
 *
 * @example Logging in after sign-up
 * ```ts
 * import { createUser, login, SessionMiddleware, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware] });
 * app.route("/signup", async (request) => {
 *   const user = await createUser(request.server, { username: "ann", password: "pw" });
 *   await login(request, user);
 *   return { user: user.username };
 * });
 * const response = await app.fetch(new Request("http://localhost/signup"));
 * console.assert(response.headers.get("set-cookie")?.startsWith("swsession="));
 * await app.close();
 * ```
 *
 * @param request the request (needs SessionMiddleware)
 * @param user the user to log in
 */
export async function login(
  request: SpiderwebRequest,
  user: User,
): Promise<void> {
  const current = request.SESSION[AUTH_USER_KEY];
  if (current !== undefined && current !== String(user.id)) {
    await request.flushSession();
  }
  request.cycleSessionKey();
  request.SESSION[AUTH_USER_KEY] = String(user.id);
  // cycleSessionKey() above has thrown unless the session exists.
  sessionOf(request)!.setUserId(String(user.id));
  request.user = user;
  user.last_login = new Date().toISOString();
  user.save();
}

/**
 * Logs out: the session is deleted before the response is sent, the cookie
 * expires, and `request.user` is anonymous.
 *
 * @example A logout view
 * ```ts
 * import { logout, SessionMiddleware, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware] });
 * app.route("/logout", async (request) => {
 *   await logout(request);
 *   return { ok: true };
 * });
 * const response = await app.fetch(new Request("http://localhost/logout"));
 * console.assert(response.status === 200);
 * await app.close();
 * ```
 *
 * @param request the request (needs SessionMiddleware)
 */
export async function logout(request: SpiderwebRequest): Promise<void> {
  await request.flushSession();
  request.user = ANONYMOUS_USER;
}

/**
 * Ends every session of the logged-in user (all devices), then logs out.
 *
 * @example Logging out everywhere
 * ```ts
 * import { logoutAll, SessionMiddleware, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware] });
 * app.route("/logout-all", async (request) => ({ ended: await logoutAll(request) }));
 * const response = await app.fetch(new Request("http://localhost/logout-all"));
 * console.assert((await response.json()).ended === 0); // nobody was logged in
 * await app.close();
 * ```
 *
 * @param request the request (needs SessionMiddleware)
 * @returns how many sessions were ended
 */
export async function logoutAll(request: SpiderwebRequest): Promise<number> {
  const userId = request.SESSION[AUTH_USER_KEY];
  const store = sessionStoreOf(request.server);
  const count = userId === undefined || !store
    ? 0
    : await store.revokeUser(String(userId));
  await logout(request);
  return count;
}
