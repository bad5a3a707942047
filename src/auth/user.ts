/**
 * Users and permissions in the app's database (`spiderweb_users`,
 * `spiderweb_permissions`, `spiderweb_user_permissions`), and the
 * `AnonymousUser` of requests nobody is logged in to.
 *
 * @module
 */

import {
  checkPassword,
  isUsablePassword,
  makePassword,
  makeUnusablePassword,
} from "./password.ts";
import type { Database, Row } from "../runtime/runtime.ts";
import type { App } from "../core/app.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS spiderweb_users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  password VARCHAR(128) NOT NULL DEFAULT '',
  last_login TEXT NULL,
  is_superuser INTEGER NOT NULL DEFAULT 0,
  username VARCHAR(150) NOT NULL UNIQUE,
  first_name VARCHAR(150) NOT NULL DEFAULT '',
  last_name VARCHAR(150) NOT NULL DEFAULT '',
  email VARCHAR(254) NOT NULL DEFAULT '',
  is_staff INTEGER NOT NULL DEFAULT 0,
  is_active INTEGER NOT NULL DEFAULT 1,
  date_joined TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS spiderweb_permissions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name VARCHAR(255) NOT NULL DEFAULT '',
  codename VARCHAR(100) NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS spiderweb_user_permissions (
  user_id INTEGER NOT NULL REFERENCES spiderweb_users (id) ON DELETE CASCADE,
  permission_id INTEGER NOT NULL
    REFERENCES spiderweb_permissions (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, permission_id)
);
`;

const ready = new WeakSet<Database>();

/** The app's database with the user tables created (once). */
export function userDatabase(app: App): Database {
  const db = app.db;
  if (!ready.has(db)) {
    db.exec(SCHEMA);
    ready.add(db);
  }
  return db;
}

/**
 * The user of a request nobody is logged in to.
 *
 * @example Checking for a logged-in visitor
 * ```ts
 * import { AnonymousUser } from "../../mod.ts";
 * console.assert(new AnonymousUser().is_authenticated === false);
 * ```
 */
export class AnonymousUser {
  /** Always null. */
  readonly id: null = null;
  /** Always empty. */
  readonly username: string = "";
  /** Always false. */
  readonly is_authenticated: boolean = false;
  /** Always true. */
  readonly is_anonymous: boolean = true;
  /** Always false. */
  readonly is_active: boolean = false;
  /** Always false. */
  readonly is_staff: boolean = false;
  /** Always false. */
  readonly is_superuser: boolean = false;

  /** The empty username. */
  getUsername(): string {
    return this.username;
  }

  /** Anonymous visitors have no permissions. */
  hasPermission(_codename: string): boolean {
    return false;
  }

  /** Anonymous users have no password. */
  setPassword(_raw: string): Promise<void> {
    return Promise.reject(new Error("AnonymousUser has no password"));
  }

  /** Anonymous users have no password. */
  checkPassword(_raw: string): Promise<boolean> {
    return Promise.reject(new Error("AnonymousUser has no password"));
  }
}

/** The one shared anonymous user. */
export const ANONYMOUS_USER: AnonymousUser = Object.freeze(new AnonymousUser());

/** The fields of a user row. */
export interface UserFields {
  /** The primary key. */
  id: number;
  /** The password hash (Django format), `""` or `!…` when unusable. */
  password: string;
  /** ISO-8601 UTC time of the last login, or null. */
  last_login: string | null;
  /** Has every permission. */
  is_superuser: boolean;
  /** Unique login name (at most 150 characters). */
  username: string;
  /** Given name. */
  first_name: string;
  /** Family name. */
  last_name: string;
  /** Email address. */
  email: string;
  /** May use admin tools. */
  is_staff: boolean;
  /** Inactive users never authenticate and are anonymous. */
  is_active: boolean;
  /** ISO-8601 UTC time of creation. */
  date_joined: string;
}

/**
 * A user stored in `spiderweb_users`.
 *
 * @example Creating and checking a user
 * ```ts
 * import { createUser, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:" });
 * const user = await createUser(app, { username: "ann", password: "pw" });
 * console.assert(await user.checkPassword("pw"));
 * await app.close();
 * ```
 */
export class User implements UserFields {
  /** The primary key. */
  id: number;
  /** The password hash. */
  password: string;
  /** Last login, ISO-8601 UTC, or null. */
  last_login: string | null;
  /** Has every permission. */
  is_superuser: boolean;
  /** The unique login name. */
  username: string;
  /** Given name. */
  first_name: string;
  /** Family name. */
  last_name: string;
  /** Email address. */
  email: string;
  /** May use admin tools. */
  is_staff: boolean;
  /** Inactive users never authenticate. */
  is_active: boolean;
  /** Creation time, ISO-8601 UTC. */
  date_joined: string;
  /** Always false. */
  readonly is_anonymous: boolean = false;
  /** Always true. */
  readonly is_authenticated: boolean = true;
  readonly #app: App;

  /** Wraps a row; use `createUser`, `getUser` or `getUserByUsername`. */
  constructor(app: App, fields: UserFields) {
    this.#app = app;
    this.id = fields.id;
    this.password = fields.password;
    this.last_login = fields.last_login;
    this.is_superuser = fields.is_superuser;
    this.username = fields.username;
    this.first_name = fields.first_name;
    this.last_name = fields.last_name;
    this.email = fields.email;
    this.is_staff = fields.is_staff;
    this.is_active = fields.is_active;
    this.date_joined = fields.date_joined;
  }

  /** The username. */
  getUsername(): string {
    return this.username;
  }

  /** First and last name. */
  getFullName(): string {
    return `${this.first_name} ${this.last_name}`.trim();
  }

  /** The first name. */
  getShortName(): string {
    return this.first_name;
  }

  /** Hashes and sets a new password (call `save()` to store it). */
  async setPassword(raw: string): Promise<void> {
    if (!raw) this.setUnusablePassword();
    else this.password = await makePassword(raw);
  }

  /** True when `raw` is this user's password. */
  checkPassword(raw: string): Promise<boolean> {
    return checkPassword(raw, this.password);
  }

  /** Makes the password unusable (`!` and random characters). */
  setUnusablePassword(): void {
    this.password = makeUnusablePassword();
  }

  /** False for an empty or unusable password. */
  hasUsablePassword(): boolean {
    return isUsablePassword(this.password);
  }

  /** Writes the fields back to the database. */
  save(): void {
    userDatabase(this.#app).prepare(
      "UPDATE spiderweb_users SET password = ?, last_login = ?, is_superuser = ?, username = ?, first_name = ?, last_name = ?, email = ?, is_staff = ?, is_active = ? WHERE id = ?",
    ).run(
      this.password,
      this.last_login,
      Number(this.is_superuser),
      this.username,
      this.first_name,
      this.last_name,
      this.email,
      Number(this.is_staff),
      Number(this.is_active),
      this.id,
    );
  }

  /** True for superusers and holders of the permission. */
  hasPermission(codename: string): boolean {
    if (!this.is_active) return false;
    if (this.is_superuser) return true;
    return userDatabase(this.#app).prepare(
      "SELECT 1 AS ok FROM spiderweb_user_permissions up JOIN spiderweb_permissions p ON p.id = up.permission_id WHERE up.user_id = ? AND p.codename = ?",
    ).get(this.id, codename) !== undefined;
  }

  /** Grants a permission, creating it if needed. */
  addPermission(codename: string, name = codename): void {
    const db = userDatabase(this.#app);
    db.transaction(() => {
      db.prepare(
        "INSERT OR IGNORE INTO spiderweb_permissions (name, codename) VALUES (?, ?)",
      ).run(name, codename);
      db.prepare(
        "INSERT OR IGNORE INTO spiderweb_user_permissions (user_id, permission_id) SELECT ?, id FROM spiderweb_permissions WHERE codename = ?",
      ).run(this.id, codename);
    });
  }

  /** Revokes a permission. */
  removePermission(codename: string): void {
    userDatabase(this.#app).prepare(
      "DELETE FROM spiderweb_user_permissions WHERE user_id = ? AND permission_id IN (SELECT id FROM spiderweb_permissions WHERE codename = ?)",
    ).run(this.id, codename);
  }
}

function fromRow(app: App, row: Row): User {
  return new User(app, {
    id: Number(row.id),
    password: String(row.password),
    last_login: row.last_login === null ? null : String(row.last_login),
    is_superuser: Boolean(row.is_superuser),
    username: String(row.username),
    first_name: String(row.first_name),
    last_name: String(row.last_name),
    email: String(row.email),
    is_staff: Boolean(row.is_staff),
    is_active: Boolean(row.is_active),
    date_joined: String(row.date_joined),
  });
}

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

/** The user with this id, or null. */
export function getUser(
  app: App,
  id: number | string,
): User | null {
  const row = userDatabase(app).prepare(
    "SELECT * FROM spiderweb_users WHERE id = ?",
  ).get(Number(id));
  return row ? fromRow(app, row) : null;
}

/** The user with this username, or null. */
export function getUserByUsername(
  app: App,
  username: string,
): User | null {
  const row = userDatabase(app).prepare(
    "SELECT * FROM spiderweb_users WHERE username = ?",
  ).get(String(username));
  return row ? fromRow(app, row) : null;
}
