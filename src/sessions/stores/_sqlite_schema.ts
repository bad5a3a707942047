/**
 * The SQL of `SqliteSessionStore`: the table (one row per session, keyed by
 * the key's hash, with indexes for `revokeUser` and the sweeper) and the
 * in-place JSON patch that merges a request's changes in one statement.
 *
 * @module
 */

import type { SqlValue } from "../../runtime/runtime.ts";
import type { SessionChanges } from "../session_store.ts";

// More changed keys than this take the read-modify-write path, which keeps
// the number of distinct cached statements small.
const MAX_PATHS = 8;

/** The DDL creating the table and its indexes, idempotently. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS spiderweb_sessions (
  session_key_hash TEXT PRIMARY KEY,
  user_id TEXT NULL,
  session_data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_active INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS spiderweb_sessions_user_id
  ON spiderweb_sessions (user_id);
CREATE INDEX IF NOT EXISTS spiderweb_sessions_expires_at
  ON spiderweb_sessions (expires_at);
`;

/**
 * The `session_data` expression applying `changes` in place (`json_set`,
 * `json_remove`), or null when the keys cannot be written as JSON paths
 * safely (quotes, backslashes, many keys): then the store rewrites the data.
 *
 * @param changes the keys set (as JSON text) and removed
 * @returns the SQL expression and its parameters, or null
 */
export function jsonPatch(
  changes: SessionChanges,
): { expression: string; params: SqlValue[] } | null {
  const keys = [...changes.set.keys(), ...changes.remove];
  if (
    changes.set.size > MAX_PATHS || changes.remove.length > MAX_PATHS
    || keys.some((key) => /["\\]/.test(key))
  ) {
    return null;
  }
  const params: SqlValue[] = [];
  let expression = "session_data";
  if (changes.set.size) {
    expression = `json_set(${expression}${
      ", ?, json(?)".repeat(changes.set.size)
    })`;
    for (const [key, json] of changes.set) params.push(`$."${key}"`, json);
  }
  if (changes.remove.length) {
    expression = `json_remove(${expression}${
      ", ?".repeat(changes.remove.length)
    })`;
    for (const key of changes.remove) params.push(`$."${key}"`);
  }
  return { expression, params };
}
