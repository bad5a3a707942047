/**
 * Bun: `Bun.serve` and `bun:sqlite`.
 *
 * @module
 */

import { openWith } from "./_database.ts";
import { lazyFileBlob } from "./_file_blob.ts";
import { isWorker, releaseWorker, spawnWorker } from "./_workers.ts";
import { env, onShutdownSignal, unrefTimer } from "./_signals.ts";
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

// The part of Bun's API this adapter calls, declared here so the module
// type-checks on every runtime; `tests/types/bun_api_check.ts` proves with
// @types/bun that Bun's real API satisfies it.

/** A `bun:sqlite` statement. */
export interface BunStatement {
  run(...params: SqlValue[]): {
    changes: number;
    lastInsertRowid: number | bigint;
  };
  get(...params: SqlValue[]): unknown;
  all(...params: SqlValue[]): unknown[];
}

/** The `bun:sqlite` module. */
export interface BunSqlite {
  Database: new(
    path: string,
    options: { create: boolean; strict: boolean },
  ) => {
    run(sql: string): unknown;
    prepare(sql: string): BunStatement;
    close(): void;
  };
}

/** The server `Bun.serve` returns. */
export interface BunServer {
  readonly port: number | undefined;
  requestIP(request: Request): { address: string } | null;
  stop(closeActiveConnections?: boolean): Promise<void>;
}

/** The part of the `Bun` global this adapter calls. */
export interface BunGlobal {
  serve(options: {
    hostname: string;
    port: number;
    reusePort?: boolean;
    fetch(request: Request, server: BunServer): Response | Promise<Response>;
  }): BunServer;
}

const Bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;
const BUN_SQLITE = "bun:sqlite";
const { Database } = await import(BUN_SQLITE) as BunSqlite;

function connect(path: string): SqliteDriver {
  const db = new Database(path, { create: true, strict: true });
  return {
    exec: (sql) => db.run(sql),
    prepare: (sql) => {
      const statement = db.prepare(sql);
      return {
        run: (...params) => {
          const { changes, lastInsertRowid } = statement.run(...params);
          return { changes, lastInsertRowid };
        },
        // bun:sqlite answers null for no row; the portable handle, undefined.
        get: (...params) => (statement.get(...params) ?? undefined) as Row,
        all: (...params) => statement.all(...params) as Row[],
      };
    },
    close: () => db.close(),
  };
}

function serve(handler: PartsHandler, options: ServeOptions): Promise<Server> {
  const server = Bun.serve({
    hostname: options.hostname,
    port: options.port,
    // Workers share the port (SO_REUSEPORT).
    reusePort: options.reusePort || isWorker(),
    fetch: (request, server) =>
      handler(request, {
        remoteAddress: () => server.requestIP(request)?.address,
      }).then(partsToResponse),
  });
  return Promise.resolve({
    url: new URL(`http://${options.hostname}:${server.port}/`),
    shutdown: () => server.stop(),
  });
}

/** The Bun runtime. */
export const runtime: Runtime = {
  name: "bun",
  serve,
  openDatabase: (path) => openWith(path, connect),
  onShutdownSignal,
  env,
  fileBlob: lazyFileBlob,
  isWorker,
  releaseWorker,
  spawnWorker: () => spawnWorker("bun"),
  unrefTimer,
};
