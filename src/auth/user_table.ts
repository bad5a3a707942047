/**
 * The user tables (`spiderweb_users`, `spiderweb_permissions`,
 * `spiderweb_user_permissions`) and the one list of user columns that
 * reading and writing rows both follow.
 *
 * @module
 */

import type { App } from "../core/app.ts";
import type { Database, Row, SqlValue } from "../runtime/runtime.ts";

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

/**
 * The app's database with the user tables created (once per database).
 *
 * @param app the app
 * @returns its database
 */
export function userDatabase(app: App): Database {
  const db = app.db;
  if (!ready.has(db)) {
    db.exec(SCHEMA);
    ready.add(db);
  }
  return db;
}

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

/** How each column is stored: SQLite has no booleans. */
const COLUMNS = {
  id: "int",
  password: "text",
  last_login: "nullable",
  is_superuser: "bool",
  username: "text",
  first_name: "text",
  last_name: "text",
  email: "text",
  is_staff: "bool",
  is_active: "bool",
  date_joined: "text",
} as const satisfies Record<keyof UserFields, string>;

/** The columns `save()` writes: all but the key and the creation time. */
export const WRITABLE_COLUMNS: readonly (keyof UserFields)[] = (Object.keys(
  COLUMNS,
) as (keyof UserFields)[]).filter((c) => c !== "id" && c !== "date_joined");

/**
 * A row's fields with their TypeScript types.
 *
 * @param row a `spiderweb_users` row
 * @returns the fields
 */
export function rowToFields(row: Row): UserFields {
  const fields: Record<string, unknown> = {};
  for (const [column, kind] of Object.entries(COLUMNS)) {
    const value = row[column];
    fields[column] = kind === "int"
      ? Number(value)
      : kind === "bool"
      ? Boolean(value)
      : kind === "nullable" && value === null
      ? null
      : String(value);
  }
  return fields as unknown as UserFields;
}

/**
 * A field's value as SQLite stores it.
 *
 * @param value the field's value
 * @returns the value to bind
 */
export function toSql(value: UserFields[keyof UserFields]): SqlValue {
  return typeof value === "boolean" ? Number(value) : value;
}
