/**
 * `AppBase`: the engine under `SpiderwebRouter`: settings, routes, error
 * views, middleware and `fetch()`. It knows requests, routes, hooks and
 * responses, and no feature: the router plugs in the built-in middleware
 * names, static routes and user loading through `AppWiring`.
 *
 * @module
 */

import { compileAllowedHosts } from "../http/allowed_hosts.ts";
import { ConfigError } from "../http/errors.ts";
import { runtime } from "../runtime/load.ts";
import {
  type Database,
  type PartsHandler,
  partsToResponse,
  remoteAddressOf,
  type ServeInfo,
} from "../runtime/runtime.ts";
import type { App } from "./app.ts";
import {
  CORE_OPTION_KEYS,
  type CoreOptions,
  DEFAULT_BODY_BUDGET,
  DEFAULT_MAX_BODY,
  DEFAULT_UPLOAD_MEMORY,
  validateAppOptions,
} from "./app_options.ts";
import { unknownName } from "./suggest.ts";
import { AppRoutes, routeLookup } from "./app_routes.ts";
import { BodyBudget } from "./body_budget.ts";
import { collectHooks, type Engine } from "./engine.ts";
import { consoleLogger, type Logger } from "./logger.ts";
import {
  type MiddlewareClass,
  runStartupChecks,
  type SpiderwebMiddleware,
} from "./middleware.ts";
import { handleRequest } from "./pipeline.ts";
import { withRequestLog } from "./request_log.ts";
import type { SpiderwebRequest } from "./request.ts";
import { type RunningServer, type StartOptions, startServer } from "./start.ts";

/** What the composition root plugs into the engine. */
export interface AppWiring {
  /**
   * Turns a middleware entry into a class.
   *
   * @param entry a class or one of spiderweb's dotted names
   * @returns the class
   * @throws ConfigError for an unknown name
   */
  resolveMiddleware(entry: string | MiddlewareClass): MiddlewareClass;
  /**
   * Registers the routes every app has (static and media files).
   *
   * @param app the app being built
   */
  addBuiltinRoutes(app: AppBase): void;
  /**
   * Computes `request.user` on its first read.
   *
   * @param request the request
   * @returns the user
   */
  loadUser(request: SpiderwebRequest): unknown;
  /** The settings the features read, besides the core's. */
  readonly knownOptions: readonly string[];
}

const NO_WIRING: AppWiring = {
  resolveMiddleware(entry) {
    if (typeof entry !== "string") return entry;
    throw new ConfigError(`Middleware '${entry}' not found.`);
  },
  addBuiltinRoutes() {},
  loadUser: () => undefined,
  knownOptions: [],
};

/**
 * The engine of an app; use `SpiderwebRouter`, which wires the features in.
 *
 * @example Through the router
 * ```ts
 * import { SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/user/<int:id>", (_request, { id }) => ({ id: id + 1 }));
 * const response = await app.fetch(new Request("http://localhost/user/41"));
 * console.assert((await response.json()).id === 42);
 * ```
 */
export class AppBase extends AppRoutes implements App {
  /** The options as given (snake_case keys, as in spiderweb). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Options the framework does not know, for your own use. */
  readonly extra_data: Record<string, unknown> = {};
  /** The address `start()` binds. */
  readonly hostname: string;
  /** The port `start()` binds. */
  readonly port: number;
  /** Development mode. */
  readonly debug: boolean;
  /** The body size limit in bytes, or null. */
  readonly max_request_body_size: number | null;
  /** The secret key, when one was given. */
  readonly secret_key: string | undefined;
  /** The logger. */
  readonly log: Logger;
  /** The middleware instances, outermost first. */
  readonly middleware: SpiderwebMiddleware[] = [];
  /**
   * The Fetch-API handler: `Deno.serve(app.fetch)`, `export default app`.
   *
   * @param request the standard request
   * @param info Deno's `ServeHandlerInfo`, Bun's server, or `{ remoteAddress }`
   * @returns the standard response
   */
  readonly fetch: (request: Request, info?: unknown) => Promise<Response>;

  readonly #engine: Engine & { hooks: Engine["hooks"] };
  readonly #respond: PartsHandler;
  readonly #core: CoreOptions;
  #startup: Promise<void> | undefined;
  #started = false;
  #db: Database | undefined;

  /**
   * Creates the app; construction is synchronous and runs the startup checks.
   *
   * @param options the settings
   * @param wiring what the composition root plugs in
   * @throws ConfigError or StartupErrors for an invalid configuration
   */
  constructor(
    options: CoreOptions = {},
    wiring: AppWiring = NO_WIRING,
  ) {
    super(options.append_slash ?? false);
    this.options = options as Readonly<Record<string, unknown>>;
    this.#core = options;
    this.log = options.log ?? consoleLogger;
    Object.assign(this.extra_data, options.extra_data);
    // Bun and Node do not type-check: a mistyped setting is kept, as the
    // original does, but never silently.
    const known = new Set([...CORE_OPTION_KEYS, ...wiring.knownOptions]);
    for (const [key, value] of Object.entries(options)) {
      if (known.has(key)) continue;
      this.extra_data[key] = value;
      this.log.warn(
        `${unknownName("setting", key, known)} (kept in extra_data)`,
      );
    }
    this.hostname = options.addr ?? "localhost";
    this.port = options.port ?? 8000;
    this.debug = options.debug ?? false;
    this.max_request_body_size = options.max_request_body_size === undefined
      ? DEFAULT_MAX_BODY
      : options.max_request_body_size;
    this.secret_key = options.secret_key;
    validateAppOptions({
      port: this.port,
      max_request_body_size: this.max_request_body_size,
      secret_key: this.secret_key,
      db: options.db,
      max_buffered_body_bytes: options.max_buffered_body_bytes,
      db_busy_timeout: options.db_busy_timeout,
      file_upload_max_memory_size: options.file_upload_max_memory_size,
      file_upload_temp_dir: options.file_upload_temp_dir,
    });
    const hostAllowed = compileAllowedHosts(options.allowed_hosts ?? ["*"]);
    const engine = {
      app: this as App,
      hooks: collectHooks([]),
      trustForwarded: options.trust_forwarded_headers ?? false,
      bodyBudget: new BodyBudget(
        options.max_buffered_body_bytes === undefined
          ? DEFAULT_BODY_BUDGET
          : options.max_buffered_body_bytes,
      ),
      uploads: {
        memoryLimit: options.file_upload_max_memory_size
          ?? DEFAULT_UPLOAD_MEMORY,
        tempDir: options.file_upload_temp_dir ?? null,
        // A files feature setting; uploads only need to know where to save.
        mediaDir: this.options.media_dir
          ? String(this.options.media_dir)
          : null,
      },
      hostAllowed,
      ...routeLookup(this),
      errorRoute: (code: number) => this.getErrorRoute(code),
      loadUser: wiring.loadUser,
      removeMiddleware: (middleware: SpiderwebMiddleware) => {
        const index = this.middleware.indexOf(middleware);
        if (index !== -1) this.middleware.splice(index, 1);
        engine.hooks = collectHooks(this.middleware);
      },
    };
    this.#engine = engine;
    const classes = (options.middleware ?? []).map(wiring.resolveMiddleware);
    for (const cls of classes) this.middleware.push(new cls(this));
    for (const [path, view, routeOptions] of options.routes ?? []) {
      this.addRoute(path, view, routeOptions ?? {});
    }
    for (const [code, view] of Object.entries(options.error_routes ?? {})) {
      this.addErrorRoute(Number(code), view);
    }
    wiring.addBuiltinRoutes(this);
    engine.hooks = collectHooks(this.middleware);
    const handle: PartsHandler = (raw, info) => {
      const address = remoteAddressOf(info, raw);
      // A request from a socket must name its host; in-process calls
      // (`app.fetch(request)`, TestClient) may rely on the URL's authority.
      const fromSocket = info !== undefined && !info.inProcess;
      const run = () =>
        handleRequest(engine, raw, address, fromSocket, info?.body);
      if (!this.#started && options.on_startup?.length) {
        return this.#runStartup().then(run);
      }
      return run();
    };
    // Requests from a socket are logged; in-process calls (tests) are not.
    this.#respond = options.log_requests === false
      ? handle
      : withRequestLog(this.log, handle);
    // A server passes what it knows of the connection (`deno serve`, Bun's
    // default export); a call without it is in-process and not logged.
    this.fetch = async (request, info) => {
      const logged = info !== undefined
        && (info as ServeInfo).logRequest !== false;
      const answer = logged ? this.#respond : handle;
      return partsToResponse(await answer(request, info as ServeInfo));
    };
    this.log.debug("Run startup checks...");
    runStartupChecks(this, classes);
  }

  /** The app's SQLite database, opened on first use. */
  get db(): Database {
    return this.#db ??= runtime.openDatabase(this.#core.db ?? "spiderweb.db");
  }

  /** True once the database has been opened. */
  get hasOpenDatabase(): boolean {
    return this.#db !== undefined;
  }

  #runStartup(): Promise<void> {
    this.#startup ??= (async () => {
      for (const hook of this.#core.on_startup ?? []) await hook();
      this.#started = true;
    })();
    return this.#startup;
  }

  /**
   * Serves with `Deno.serve`, `Bun.serve` or `node:http`.
   *
   * @param options address, port, signal handling and workers
   * @returns the running server
   */
  start(options: StartOptions = {}): Promise<RunningServer> {
    return startServer({
      hostname: this.hostname,
      port: this.port,
      log: this.log,
      respond: this.#respond,
      runStartup: () => this.#runStartup(),
      close: () => this.close(),
    }, options);
  }

  /** Runs `on_shutdown`, closes middleware and the database. */
  async close(): Promise<void> {
    for (const hook of this.#core.on_shutdown ?? []) {
      try {
        await hook();
      } catch (error) {
        this.log.error("on_shutdown hook failed:", error);
      }
    }
    for (const middleware of this.middleware) {
      await (middleware as { close?: () => unknown }).close?.();
    }
    this.#db?.close();
    this.#db = undefined;
  }
}
