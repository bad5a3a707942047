/**
 * The `node:sqlite` driver, used on Node (>= 22.13) and Deno (>= 2.2). It is
 * loaded on first use, so apps without a database never load it.
 *
 * @module
 */

import process from "node:process";
import type { Row, SqliteDriver, SqlValue, Statement } from "./runtime.ts";

interface NodeStatement {
  run(...params: SqlValue[]): {
    changes: number | bigint;
    lastInsertRowid: number | bigint;
  };
  get(...params: SqlValue[]): Record<string, SqlValue> | undefined;
  all(...params: SqlValue[]): Record<string, SqlValue>[];
}

interface NodeSqlite {
  DatabaseSync: new(path: string) => {
    exec(sql: string): void;
    prepare(sql: string): NodeStatement;
    close(): void;
  };
}

/** True when this process can load `node:sqlite`. */
export function hasNodeSqlite(): boolean {
  return loadNodeSqlite() !== undefined;
}

function loadNodeSqlite(): NodeSqlite | undefined {
  try {
    return process.getBuiltinModule?.("node:sqlite") as NodeSqlite | undefined;
  } catch {
    return undefined;
  }
}

/** Connects with `node:sqlite`, or throws `missing` when it is absent. */
export function connectNodeSqlite(path: string, missing: string): SqliteDriver {
  const sqlite = loadNodeSqlite();
  if (!sqlite) throw new Error(missing);
  const db = new sqlite.DatabaseSync(path);
  return {
    exec: (sql) => db.exec(sql),
    prepare(sql): Statement {
      const statement = db.prepare(sql);
      return {
        run: (...params) => {
          const { changes, lastInsertRowid } = statement.run(...params);
          return { changes: Number(changes), lastInsertRowid };
        },
        // node:sqlite rows have a null prototype; callers get plain objects.
        get: (...params) => {
          const row = statement.get(...params);
          return row ? { ...row } as Row : undefined;
        },
        all: (...params) => statement.all(...params).map((row) => ({ ...row })),
      };
    },
    close: () => db.close(),
  };
}
