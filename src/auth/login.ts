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
 * The active user with these credentials, or null.
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
  if (!user) {
    await checkPassword(password, DUMMY_HASH);
    return null;
  }
  if (!await user.checkPassword(password)) return null;
  return user.is_active ? user : null;
}

/**
 * Logs `user` in: rotates the session key (keeping the data), stores the
 * user's id in the session, sets `request.user` and `last_login`.
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
  sessionOf(request)?.setUserId(String(user.id));
  request.user = user;
  user.last_login = new Date().toISOString();
  user.save();
}

/** Logs out: deletes the session row and expires the cookie. */
export async function logout(request: SpiderwebRequest): Promise<void> {
  await request.flushSession();
  request.user = ANONYMOUS_USER;
}

/** Ends every session of the logged-in user (all devices), then logs out. */
export async function logoutAll(request: SpiderwebRequest): Promise<number> {
  const userId = request.SESSION[AUTH_USER_KEY];
  const store = sessionStoreOf(request.server);
  const count = userId === undefined || !store
    ? 0
    : await store.revokeUser(String(userId));
  await logout(request);
  return count;
}
