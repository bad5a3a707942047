/**
 * Deno: `Deno.serve`, and `node:sqlite` (Deno >= 2.2). Older Deno can opt in
 * to `@db/sqlite` by adding it to the project's imports.
 *
 * @module
 */

import { openWith } from "./_database.ts";
import { isWorker, releaseWorker, spawnWorker } from "./_workers.ts";
import { connectNodeSqlite, hasNodeSqlite } from "./_node_sqlite.ts";
import { env, onShutdownSignal } from "./_signals.ts";
import {
  type PartsHandler,
  partsToResponse,
  type Row,
  type Runtime,
  type ServeOptions,
  type Server,
  type SqliteDriver,
  type SqlValue,
} from "./runtime.ts";

// The part of @db/sqlite (denodrivers/sqlite3) this adapter calls.
interface DbSqliteStatement {
  run(...params: SqlValue[]): number;
  get(...params: SqlValue[]): Row | undefined;
  all(...params: SqlValue[]): Row[];
}
interface DbSqliteModule {
  Database: new(path: string) => {
    readonly lastInsertRowId: number;
    exec(sql: string): void;
    prepare(sql: string): DbSqliteStatement;
    close(): void;
  };
}

const MISSING_SQLITE =
  "SQLite needs node:sqlite: upgrade Deno to >= 2.2, or add @db/sqlite to your imports and run with --allow-ffi";

// Only a Deno without node:sqlite tries the opt-in driver. The specifier is a
// variable so that type checking and publishing never fetch it.
const DB_SQLITE = "@db/sqlite";
const dbSqlite: DbSqliteModule | undefined = hasNodeSqlite()
  ? undefined
  : await import(DB_SQLITE).catch(() => undefined);

function connect(path: string): SqliteDriver {
  if (dbSqlite) {
    const db = new dbSqlite.Database(path);
    return {
      exec: (sql) => db.exec(sql),
      prepare: (sql) => {
        const statement = db.prepare(sql);
        return {
          run: (...params) => ({
            changes: statement.run(...params),
            lastInsertRowid: db.lastInsertRowId,
          }),
          get: (...params) => statement.get(...params),
          all: (...params) => statement.all(...params),
        };
      },
      close: () => db.close(),
    };
  }
  return connectNodeSqlite(path, MISSING_SQLITE);
}

function serve(handler: PartsHandler, options: ServeOptions): Promise<Server> {
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: options.hostname,
      port: options.port,
      // Workers share the port (SO_REUSEPORT).
      reusePort: options.reusePort || isWorker(),
      onListen: ({ port }) =>
        resolve({
          url: new URL(`http://${options.hostname}:${port}/`),
          shutdown: () => server.shutdown(),
        }),
    }, (request, info) =>
      handler(request, {
        remoteAddress: "hostname" in info.remoteAddr
          ? info.remoteAddr.hostname
          : undefined,
      }).then(partsToResponse));
  });
}

/** The Deno runtime. */
export const runtime: Runtime = {
  name: "deno",
  serve,
  openDatabase: (path) => openWith(path, connect),
  onShutdownSignal,
  env,
  fileBlob: () => Promise.resolve(null),
  isWorker,
  releaseWorker,
  spawnWorker: () => spawnWorker("deno"),
  unrefTimer: (timer) => Deno.unrefTimer(timer as unknown as number),
};
