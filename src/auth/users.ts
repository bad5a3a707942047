/**
 * Finding and creating users: `createUser`, `getUser`, `getUserByUsername`.
 *
 * @module
 */

import type { App } from "../core/app.ts";
import { makePassword, makeUnusablePassword } from "./password.ts";
import { User } from "./user.ts";
import { rowToFields, userDatabase } from "./user_table.ts";

/** What `createUser` takes. */
export interface NewUser {
  /** Unique, 1 to 150 characters. */
  username: string;
  /** The raw password; empty or absent makes it unusable. */
  password?: string;
  /** Email address. */
  email?: string;
  /** Given name. */
  first_name?: string;
  /** Family name. */
  last_name?: string;
  /** May use admin tools. */
  is_staff?: boolean;
  /** Has every permission. */
  is_superuser?: boolean;
}

/**
 * Creates a user with a hashed password.
 *
 * @example Creating a user
 * ```ts
 * import { createUser, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:" });
 * const user = await createUser(app, { username: "ann", password: "pw" });
 * console.assert(user.username === "ann" && user.is_active);
 * await app.close();
 * ```
 *
 * @param app the app whose database holds the users
 * @param fields the username, password and other fields
 * @returns the new user
 * @throws Error for an empty, over-long or taken username
 */
export async function createUser(
  app: App,
  fields: NewUser,
): Promise<User> {
  const username = String(fields.username ?? "");
  if (!username || username.length > 150) {
    throw new Error("Username must be 1 to 150 characters");
  }
  const password = fields.password
    ? await makePassword(fields.password)
    : makeUnusablePassword();
  const db = userDatabase(app);
  if (getUserByUsername(app, username)) {
    throw new Error(`Username ${JSON.stringify(username)} is taken`);
  }
  const { lastInsertRowid } = db.prepare(
    "INSERT INTO spiderweb_users (password, username, first_name, last_name, email, is_staff, is_superuser, date_joined) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(
    password,
    username,
    fields.first_name ?? "",
    fields.last_name ?? "",
    fields.email ?? "",
    Number(fields.is_staff ?? false),
    Number(fields.is_superuser ?? false),
    new Date().toISOString(),
  );
  return getUser(app, Number(lastInsertRowid))!;
}

/**
 * The user with this id.
 *
 * @example Looking a user up by id
 * ```ts
 * import { createUser, getUser, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:" });
 * const { id } = await createUser(app, { username: "ann" });
 * console.assert(getUser(app, id)?.username === "ann");
 * console.assert(getUser(app, 999) === null);
 * await app.close();
 * ```
 *
 * @param app the app whose database holds the users
 * @param id the user's id
 * @returns the user, or null
 */
export function getUser(
  app: App,
  id: number | string,
): User | null {
  const row = userDatabase(app).prepare(
    "SELECT * FROM spiderweb_users WHERE id = ?",
  ).get(Number(id));
  return row ? new User(app, rowToFields(row)) : null;
}

/**
 * The user with this username.
 *
 * @example Looking a user up by name
 * ```ts
 * import { createUser, getUserByUsername, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:" });
 * await createUser(app, { username: "ann" });
 * console.assert(getUserByUsername(app, "ann")?.username === "ann");
 * await app.close();
 * ```
 *
 * @param app the app whose database holds the users
 * @param username the username
 * @returns the user, or null
 */
export function getUserByUsername(
  app: App,
  username: string,
): User | null {
  const row = userDatabase(app).prepare(
    "SELECT * FROM spiderweb_users WHERE username = ?",
  ).get(String(username));
  return row ? new User(app, rowToFields(row)) : null;
}
