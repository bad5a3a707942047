/**
 * The options of `SpiderwebRouter`, their defaults, and the split between
 * known options and `extra_data`.
 *
 * @module
 */

import type { HostPattern } from "../http/allowed_hosts.ts";
import { ConfigError } from "../http/errors.ts";
import type { ErrorView } from "./error_views.ts";
import type { Logger } from "./logger.ts";
import type { AnyView, RouteOptions } from "./route_options.ts";
import type { MiddlewareClass } from "./middleware.ts";

/** A lifecycle hook; may be async. */
export type LifecycleHook = () => void | Promise<void>;

/** A route given in the `routes` option. */
export type RouteSpec =
  | readonly [path: string, view: AnyView]
  | readonly [path: string, view: AnyView, options: RouteOptions];

/**
 * The settings the core reads. `SpiderwebRouterOptions` adds those of every
 * feature. Keys are snake_case as in spiderweb.
 */
export interface CoreOptions {
  /** The address `start()` binds. @default "localhost" */
  addr?: string;
  /** The port `start()` binds; 0 picks a free one. @default 8000 */
  port?: number;
  /** Hosts served: exact names, `*.` wildcards, RegExps. @default ["*"] */
  allowed_hosts?: readonly HostPattern[];
  /** Serve routes at their `/`-terminated form and redirect to it. @default false */
  append_slash?: boolean;
  /** Development mode: serves static and media files. @default false */
  debug?: boolean;
  /** Middleware classes or spiderweb's dotted names, outermost first. @default [] */
  middleware?: readonly (string | MiddlewareClass)[];
  /** Routes as `[path, view]` or `[path, view, options]`. */
  routes?: readonly RouteSpec[];
  /** Error views by status code. */
  error_routes?: Readonly<Record<number, ErrorView>>;
  /** Largest accepted body in bytes; null disables the limit. @default 10485760 */
  max_request_body_size?: number | null;
  /**
   * Bytes of request bodies buffered at once, over all requests; a request
   * that would go over gets 503 with `Retry-After`. null disables it.
   * @default 67108864 (64 MiB)
   */
  max_buffered_body_bytes?: number | null;
  /**
   * An uploaded file larger than this many bytes is written to a temporary
   * file as it arrives (deleted when the request ends) instead of being
   * kept in memory. @default 2621440 (2.5 MiB, as Django)
   */
  file_upload_max_memory_size?: number;
  /** Where those temporary files go. @default the system's temporary folder */
  file_upload_temp_dir?: string | null;
  /** Run before serving (or before the first request). @default [] */
  on_startup?: readonly LifecycleHook[];
  /** Run after serving stops. @default [] */
  on_shutdown?: readonly LifecycleHook[];
  /** Where the framework logs. @default a console logger, info and above */
  log?: Logger;
  /** The secret for CSRF tokens; generated and stored in the database when absent. */
  secret_key?: string;
  /** The SQLite file (relative to the working directory) or ":memory:". @default "spiderweb.db" */
  db?: string;
  /**
   * Seconds a statement waits (retrying asynchronously, the event loop free)
   * while another process holds the database locked; then 503 with
   * `Retry-After`. @default 5
   */
  db_busy_timeout?: number;
  /** Trust `X-Forwarded-For`, `-Proto` and `-Host`. @default false */
  trust_forwarded_headers?: boolean;
  /** Log one line per request served from a socket. @default true */
  log_requests?: boolean;
  /** Your own settings, kept in `app.extra_data` (`request.server.extra_data`). */
  extra_data?: Record<string, unknown>;
}

/** The names of the core settings (checked against `CoreOptions`). */
export const CORE_OPTION_KEYS: readonly string[] = Object.keys(
  {
    addr: true,
    port: true,
    allowed_hosts: true,
    append_slash: true,
    debug: true,
    middleware: true,
    routes: true,
    error_routes: true,
    max_request_body_size: true,
    max_buffered_body_bytes: true,
    file_upload_max_memory_size: true,
    file_upload_temp_dir: true,
    on_startup: true,
    on_shutdown: true,
    log: true,
    secret_key: true,
    db: true,
    db_busy_timeout: true,
    trust_forwarded_headers: true,
    log_requests: true,
    extra_data: true,
  } satisfies Record<keyof CoreOptions, true>,
);

/** The default allowed methods. */
export const DEFAULT_ALLOWED_METHODS: readonly string[] = Object.freeze([
  "POST",
  "GET",
  "PUT",
  "PATCH",
  "DELETE",
]);

/** The default text encoding. */
export const DEFAULT_ENCODING = "UTF-8";

/** The default `max_request_body_size`: 10 MiB. */
export const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/** The default `file_upload_max_memory_size`: 2.5 MiB, as Django. */
export const DEFAULT_UPLOAD_MEMORY = 2_621_440;

/** The default `max_buffered_body_bytes`: 64 MiB. */
export const DEFAULT_BODY_BUDGET = 64 * 1024 * 1024;

/**
 * Rejects core settings that cannot work, before anything is built.
 *
 * @param settings the resolved port, body limit, secret key and database
 * @throws ConfigError naming the setting and the bad value
 */
export function validateAppOptions(settings: {
  readonly port: number;
  readonly max_request_body_size: number | null;
  readonly secret_key: string | undefined;
  readonly db?: unknown;
  readonly max_buffered_body_bytes?: unknown;
  readonly db_busy_timeout?: unknown;
  readonly file_upload_max_memory_size?: unknown;
  readonly file_upload_temp_dir?: unknown;
}): void {
  const check = (name: string, value: unknown, ok: boolean, what: string) => {
    if (!ok) {
      throw new ConfigError(
        `${name} must be ${what}, got ${JSON.stringify(value)}`,
      );
    }
  };
  const limit = settings.max_request_body_size;
  check(
    "max_request_body_size",
    limit,
    limit === null || (Number.isInteger(limit) && limit >= 0),
    "a non-negative integer or null",
  );
  const budget = settings.max_buffered_body_bytes;
  check(
    "max_buffered_body_bytes",
    budget,
    budget === undefined || budget === null
      || (Number.isSafeInteger(budget) && (budget as number) >= 0),
    "a non-negative integer or null",
  );
  const memory = settings.file_upload_max_memory_size;
  check(
    "file_upload_max_memory_size",
    memory,
    memory === undefined
      || (Number.isSafeInteger(memory) && (memory as number) >= 0),
    "a non-negative integer",
  );
  const tempDir = settings.file_upload_temp_dir;
  check(
    "file_upload_temp_dir",
    tempDir,
    tempDir === undefined || tempDir === null
      || (typeof tempDir === "string" && tempDir !== ""),
    "a folder path or null",
  );
  const busy = settings.db_busy_timeout;
  check(
    "db_busy_timeout",
    busy,
    busy === undefined
      || (typeof busy === "number" && Number.isFinite(busy) && busy >= 0),
    "a non-negative number of seconds",
  );
  const port = settings.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`port must be an integer in 0..65535, got ${port}`);
  }
  if (settings.secret_key !== undefined && !settings.secret_key) {
    throw new ConfigError("secret_key must be a non-empty string");
  }
  const db = settings.db;
  // The original took SQLAlchemy URLs; the port opens SQLite files only.
  if (
    db !== undefined
    && (typeof db !== "string" || !db || /^[a-z][a-z0-9+.-]*:\/\//i.test(db))
  ) {
    throw new ConfigError(
      `db must be a SQLite file path or ":memory:", got ${JSON.stringify(db)}`,
    );
  }
}
