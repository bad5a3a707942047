/**
 * `User`: a row of `spiderweb_users` with Django's user methods (passwords,
 * names, permissions, `save()`).
 *
 * @module
 */

import type { App } from "../core/app.ts";
import {
  checkPassword,
  isUsablePassword,
  makePassword,
  makeUnusablePassword,
} from "./password.ts";
import {
  toSql,
  userDatabase,
  type UserFields,
  WRITABLE_COLUMNS,
} from "./user_table.ts";

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
  id!: number;
  /** The password hash. */
  password!: string;
  /** Last login, ISO-8601 UTC, or null. */
  last_login!: string | null;
  /** Has every permission. */
  is_superuser!: boolean;
  /** The unique login name. */
  username!: string;
  /** Given name. */
  first_name!: string;
  /** Family name. */
  last_name!: string;
  /** Email address. */
  email!: string;
  /** May use admin tools. */
  is_staff!: boolean;
  /** Inactive users never authenticate. */
  is_active!: boolean;
  /** Creation time, ISO-8601 UTC. */
  date_joined!: string;
  /** Always false. */
  readonly is_anonymous: boolean = false;
  /** Always true. */
  readonly is_authenticated: boolean = true;
  readonly #app: App;

  /**
   * Wraps a row; use `createUser`, `getUser` or `getUserByUsername`.
   *
   * @param app the app whose database holds the user
   * @param fields the row's fields
   */
  constructor(app: App, fields: UserFields) {
    this.#app = app;
    Object.assign(this, fields);
  }

  /**
   * The username.
   *
   * @returns the username
   */
  getUsername(): string {
    return this.username;
  }

  /**
   * The user as text, as Django prints it.
   *
   * @returns the username
   */
  toString(): string {
    return this.username;
  }

  /**
   * First and last name.
   *
   * @returns the names joined by a space, trimmed
   */
  getFullName(): string {
    return `${this.first_name} ${this.last_name}`.trim();
  }

  /**
   * The first name.
   *
   * @returns the first name
   */
  getShortName(): string {
    return this.first_name;
  }

  /**
   * Hashes and sets a new password (call `save()` to store it); an empty
   * password makes it unusable.
   *
   * @param raw the password
   */
  async setPassword(raw: string): Promise<void> {
    if (!raw) this.setUnusablePassword();
    else this.password = await makePassword(raw);
  }

  /**
   * Checks a password in constant time.
   *
   * @param raw the password to check
   * @returns true when it is this user's password
   */
  checkPassword(raw: string): Promise<boolean> {
    return checkPassword(raw, this.password);
  }

  /** Makes the password unusable (`!` and random characters). */
  setUnusablePassword(): void {
    this.password = makeUnusablePassword();
  }

  /**
   * Whether the user can log in with a password.
   *
   * @returns false for an empty or unusable password
   */
  hasUsablePassword(): boolean {
    return isUsablePassword(this.password);
  }

  /** Writes the fields back to the database. */
  save(): void {
    const set = WRITABLE_COLUMNS.map((column) => `${column} = ?`).join(", ");
    userDatabase(this.#app).prepare(
      `UPDATE spiderweb_users SET ${set} WHERE id = ?`,
    ).run(...WRITABLE_COLUMNS.map((column) => toSql(this[column])), this.id);
  }

  /**
   * Whether the user holds a permission (superusers hold all; inactive users none).
   *
   * @param codename the permission's codename
   * @returns true when granted
   */
  hasPermission(codename: string): boolean {
    if (!this.is_active) return false;
    if (this.is_superuser) return true;
    return userDatabase(this.#app).prepare(
      "SELECT 1 AS ok FROM spiderweb_user_permissions up JOIN spiderweb_permissions p ON p.id = up.permission_id WHERE up.user_id = ? AND p.codename = ?",
    ).get(this.id, codename) !== undefined;
  }

  /**
   * Grants a permission, creating it if needed.
   *
   * @param codename the permission's codename
   * @param name its human-readable name
   */
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

  /**
   * Revokes a permission.
   *
   * @param codename the permission's codename
   */
  removePermission(codename: string): void {
    userDatabase(this.#app).prepare(
      "DELETE FROM spiderweb_user_permissions WHERE user_id = ? AND permission_id IN (SELECT id FROM spiderweb_permissions WHERE codename = ?)",
    ).run(this.id, codename);
  }
}
