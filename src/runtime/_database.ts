/**
 * The driver-independent half of `openDatabase`: folder creation, pragmas,
 * the statement cache and transactions, shared by the three adapters.
 *
 * @module
 */

import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Database, SqliteDriver, Statement } from "./runtime.ts";

/** Resolves a database path against the working directory. */
export function resolveDatabasePath(path: string): string {
  return path === ":memory:" ? path : resolve(path);
}

/**
 * Opens a database through `connect`, naming the path in any failure.
 * File databases get WAL; all get busy_timeout, synchronous and foreign keys.
 */
export function openWith(
  path: string,
  connect: (path: string) => SqliteDriver,
): Database {
  const file = resolveDatabasePath(path);
  let driver: SqliteDriver;
  try {
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    driver = connect(file);
    // Short: a lock is waited for by asynchronous retries (busy.ts), never
    // by blocking the only JavaScript thread for seconds.
    driver.exec("PRAGMA busy_timeout = 20");
    if (file !== ":memory:") driver.exec("PRAGMA journal_mode = WAL");
    driver.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  } catch (error) {
    throw new Error(
      `Cannot open database ${JSON.stringify(file)}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  return new PortableDatabase(file, driver);
}

class PortableDatabase implements Database {
  readonly path: string;
  readonly #driver: SqliteDriver;
  readonly #statements = new Map<string, Statement>();
  #depth = 0;

  constructor(path: string, driver: SqliteDriver) {
    this.path = path;
    this.#driver = driver;
  }

  exec(sql: string): void {
    this.#driver.exec(sql);
  }

  prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#driver.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  transaction<T>(fn: () => T): T {
    // A nested call joins the outer transaction.
    if (this.#depth > 0) return fn();
    this.#driver.exec("BEGIN IMMEDIATE");
    this.#depth++;
    try {
      const result = fn();
      this.#driver.exec("COMMIT");
      return result;
    } catch (error) {
      try {
        this.#driver.exec("ROLLBACK");
      } catch {
        // SQLite may already have rolled back (e.g. SQLITE_FULL).
      }
      throw error;
    } finally {
      this.#depth--;
    }
  }

  close(): void {
    this.#statements.clear();
    this.#driver.close();
  }
}
