/**
 * The table of `PostgresSessionStore`.
 *
 * @module
 */

/**
 * The DDL creating the sessions table and its indexes, idempotently.
 *
 * @param table the table name (checked by the store)
 * @returns the statements
 */
export function postgresSchema(table: string): string {
  return `
    CREATE TABLE IF NOT EXISTS ${table} (
      session_key_hash TEXT PRIMARY KEY,
      user_id TEXT NULL,
      session_data JSONB NOT NULL,
      created_at BIGINT NOT NULL,
      last_active BIGINT NOT NULL,
      expires_at BIGINT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ${table}_user_id ON ${table} (user_id);
    CREATE INDEX IF NOT EXISTS ${table}_expires_at ON ${table} (expires_at);
  `;
}
