/**
 * What the framework needs from Deno, Bun or Node, and nothing more: a
 * server, a SQLite database, shutdown signals and the environment.
 *
 * @module
 */

/** Facts about a request that only the server knows. */
export interface ServeInfo {
  /**
   * The peer's IP address, when the runtime reports it, or a function that
   * looks it up when first needed (Bun's `requestIP` is a lookup per call).
   */
  remoteAddress?: PeerAddress;
  /** False for in-process calls that should not be in the request log. */
  logRequest?: boolean;
  /** True for calls that did not come from a socket (`TestClient`). */
  inProcess?: boolean;
  /** The body, when the server hands it over without a Fetch stream. */
  body?: BodySource;
}

/** A request body read straight from the server (Node's `IncomingMessage`). */
export interface BodySource {
  /** The whole body (framed by its Content-Length or chunked encoding). */
  bytes(): Promise<Uint8Array<ArrayBuffer>>;
  /** The body as a stream; called at most once. */
  stream(): ReadableStream<Uint8Array>;
  /** Stops reading without closing the connection (the answer still goes out). */
  discard(): void;
}

/**
 * A response as plain parts. Adapters build what their server wants from it:
 * a Fetch `Response` (Deno, Bun), or direct writes (node:http, where building
 * a `Response` costs more than the rest of a small request).
 */
export interface ResponseParts {
  /** The status code. */
  readonly status: number;
  /** The headers. */
  readonly headers: Headers | Record<string, string>;
  /** The body: text, bytes, a stream, or nothing. */
  readonly body: string | Uint8Array | ReadableStream<Uint8Array> | null;
}

/** A Fetch `Response` from response parts (Deno, Bun and `app.fetch`). */
export function partsToResponse(parts: ResponseParts): Response {
  const body = parts.body as ConstructorParameters<typeof Response>[0];
  const headers = parts.headers;
  if (headers instanceof Headers) {
    return new Response(body, { status: parts.status, headers });
  }
  // Setting a few headers one by one is far cheaper on Deno than converting
  // a record in the constructor (measured: 0.3 µs against 4.8 µs).
  const response = new Response(body, { status: parts.status });
  for (const name in headers) response.headers.set(name, headers[name]);
  return response;
}

/** A peer's address, or a function that looks it up on first use. */
export type PeerAddress = string | (() => string | undefined);

/**
 * The peer's address from what a server passes beside the request: ours
 * (`{ remoteAddress }`), Deno's `ServeHandlerInfo`, or Bun's server (whose
 * lookup is deferred until something reads the address).
 *
 * @param info the server's second handler argument
 * @param request the request (Bun looks the address up by it)
 * @returns the address or its lookup, when the server knows it
 */
export function remoteAddressOf(
  info: unknown,
  request: Request,
): PeerAddress | undefined {
  if (!info || typeof info !== "object") return undefined;
  const value = info as ServeInfo & {
    remoteAddr?: { hostname?: string };
    requestIP?: (request: Request) => { address: string } | null;
  };
  if (value.remoteAddress !== undefined) return value.remoteAddress;
  if (value.remoteAddr) return value.remoteAddr.hostname;
  const lookup = value.requestIP;
  return lookup && (() => lookup.call(value, request)?.address);
}

/** What a server adapter calls for each request. */
export type PartsHandler = (
  request: Request,
  info: ServeInfo,
) => Promise<ResponseParts>;

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
  /**
   * Executes the statement.
   *
   * @param params the values bound to `?`, in order
   * @returns the changes and the last inserted rowid
   */
  run(...params: SqlValue[]): RunResult;
  /**
   * The first row.
   *
   * @param params the values bound to `?`, in order
   * @returns the row, or undefined
   */
  get(...params: SqlValue[]): Row | undefined;
  /**
   * Every row.
   *
   * @param params the values bound to `?`, in order
   * @returns the rows
   */
  all(...params: SqlValue[]): Row[];
}

/** The portable SQLite handle behind `app.db`, the same on every runtime. */
export interface Database {
  /** The path it was opened with, or ":memory:". */
  readonly path: string;
  /**
   * Runs one or more statements without results.
   *
   * @param sql the statements
   */
  exec(sql: string): void;
  /**
   * A prepared statement, cached by its SQL text.
   *
   * @param sql one statement with `?` placeholders
   * @returns the statement
   */
  prepare(sql: string): Statement;
  /**
   * Runs `fn` in `BEGIN IMMEDIATE` … `COMMIT`, or rolls back if it throws.
   *
   * @param fn the work, synchronous
   * @returns what `fn` returned
   */
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
  serve(handler: PartsHandler, options: ServeOptions): Promise<Server>;
  /** Opens a SQLite database (creating parent folders), or throws naming it. */
  openDatabase(path: string): Database;
  /** Calls `listener` on SIGINT or SIGTERM; returns the remover. */
  onShutdownSignal(listener: (signal: string) => void): () => void;
  /** An environment variable, or undefined. */
  env(name: string): string | undefined;
  /**
   * A `Blob` of a file that reads the disk only when read, or null where
   * the runtime cannot make one without reading the file at once (Deno).
   */
  fileBlob(path: string): Promise<Blob | null>;
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
