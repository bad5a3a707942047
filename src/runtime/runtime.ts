/**
 * What the framework needs from Deno, Bun or Node, and nothing more: a
 * server, a SQLite database, shutdown signals and the environment.
 *
 * @module
 */

/** Facts about a request that only the server knows. */
export interface ServeInfo {
  /** The peer's IP address, when the runtime reports it. */
  remoteAddress?: string;
}

/**
 * The parts a framework response was built from, attached to the Fetch
 * `Response` under this symbol, so an adapter that does not speak Fetch
 * natively (node:http) can write them without reading the body stream back.
 */
export const RESPONSE_PARTS: unique symbol = Symbol("spiderweb.responseParts");

/** What `RESPONSE_PARTS` holds. */
export interface ResponseParts {
  /** The body, when it was buffered (text or bytes) or empty. */
  readonly body: string | Uint8Array | null;
  /** The headers as given to the Response. */
  readonly headers: HeadersInit;
}

/** A Fetch-API handler, as `app.fetch` is. */
export type FetchHandler = (
  request: Request,
  info: ServeInfo,
) => Response | Promise<Response>;

/** Where and how to listen. */
export interface ServeOptions {
  /** The interface to bind, e.g. "localhost" or "0.0.0.0". */
  hostname: string;
  /** The port; 0 picks a free one. */
  port: number;
  /** Lets several processes bind the same port (Linux SO_REUSEPORT). */
  reusePort?: boolean;
}

/** A listening server. */
export interface Server {
  /** The address it listens on, e.g. `http://localhost:8000/`. */
  readonly url: URL;
  /** Stops accepting connections and resolves once in-flight requests end. */
  shutdown(): Promise<void>;
}

/** The value of a bound SQL parameter. */
export type SqlValue = string | number | bigint | Uint8Array | null;

/** One row as a plain object keyed by column name. */
export type Row = Record<string, SqlValue>;

/** What `Statement.run` reports. */
export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
  /** The rowid of the last inserted row. */
  lastInsertRowid: number | bigint;
}

/** A prepared statement; parameters bind positionally to `?`. */
export interface Statement {
  /** Executes the statement. */
  run(...params: SqlValue[]): RunResult;
  /** The first row, or undefined. */
  get(...params: SqlValue[]): Row | undefined;
  /** Every row. */
  all(...params: SqlValue[]): Row[];
}

/** The portable SQLite handle behind `app.db`, the same on every runtime. */
export interface Database {
  /** The path it was opened with, or ":memory:". */
  readonly path: string;
  /** Runs one or more statements without results. */
  exec(sql: string): void;
  /** A prepared statement, cached by its SQL text. */
  prepare(sql: string): Statement;
  /** Runs `fn` in `BEGIN IMMEDIATE` … `COMMIT`, or rolls back if it throws. */
  transaction<T>(fn: () => T): T;
  /** Closes the database. */
  close(): void;
}

/** The driver-level connection each runtime adapter supplies. */
export interface SqliteDriver {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}

/** The process-level services of one runtime. */
export interface Runtime {
  /** Which runtime this is. */
  readonly name: "deno" | "bun" | "node";
  /** Starts an HTTP server. */
  serve(handler: FetchHandler, options: ServeOptions): Promise<Server>;
  /** Opens a SQLite database (creating parent folders), or throws naming it. */
  openDatabase(path: string): Database;
  /** Calls `listener` on SIGINT or SIGTERM; returns the remover. */
  onShutdownSignal(listener: (signal: string) => void): () => void;
  /** An environment variable, or undefined. */
  env(name: string): string | undefined;
  /** Lets the process exit while the timer is pending. */
  unrefTimer(timer: ReturnType<typeof setInterval>): void;
  /** True inside a worker process started by `spawnWorker`. */
  isWorker(): boolean;
  /** Starts a copy of this program as a worker sharing the port. */
  spawnWorker(): WorkerProcess;
  /** In a worker that has shut down: lets its process exit. */
  releaseWorker(): void;
}

/** A worker process. */
export interface WorkerProcess {
  /** Sends a signal. */
  kill(signal: "SIGTERM" | "SIGKILL"): void;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
}
