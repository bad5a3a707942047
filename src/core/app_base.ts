/**
 * `AppBase`: the engine under `SpiderwebRouter`: settings, routes, error
 * views, middleware and `fetch()`. It knows requests, routes, hooks and
 * responses, and no feature: the router plugs in the built-in middleware
 * names, static routes and user loading through `AppWiring`.
 *
 * @module
 */

import { compileAllowedHosts } from "../http/allowed_hosts.ts";
import { ConfigError, StartupErrors } from "../http/errors.ts";
import { reverseRoute } from "../routing/reverse.ts";
import {
  BUILTIN_CONVERTERS,
  type Converter,
  type ConverterClass,
  converterName,
} from "../routing/route_pattern.ts";
import { type Route, RouteTable } from "../routing/route_table.ts";
import { runtime } from "../runtime/load.ts";
import {
  type Database,
  type PartsHandler,
  partsToResponse,
  type ServeInfo,
} from "../runtime/runtime.ts";
import type { App } from "./app.ts";
import {
  DEFAULT_MAX_BODY,
  isKnownOption,
  type SpiderwebRouterOptions,
} from "./app_options.ts";
import { buildRoute } from "./build_route.ts";
import { collectHooks, type Engine } from "./engine.ts";
import { BUILTIN_ERROR_VIEWS, type ErrorView } from "./error_views.ts";
import { consoleLogger, type Logger } from "./logger.ts";
import type { MiddlewareClass, SpiderwebMiddleware } from "./middleware.ts";
import { handleRequest } from "./pipeline.ts";
import type { SpiderwebRequest } from "./request.ts";
import type { RouteGroup } from "./route_group.ts";
import {
  type AnyView,
  routeForms,
  type RouteOptions,
  type RouteRegistrar,
  type ViewFor,
} from "./route_options.ts";
import { type RunningServer, type StartOptions, startServer } from "./start.ts";
import type { ViewFunction } from "./view.ts";

/** What the composition root plugs into the engine. */
export interface AppWiring {
  /** Turns a middleware entry (a class or a dotted name) into a class. */
  resolveMiddleware(entry: string | MiddlewareClass): MiddlewareClass;
  /** Registers routes every app has (static and media files). */
  addBuiltinRoutes(app: AppBase): void;
  /** Computes `request.user` on its first read. */
  loadUser(request: SpiderwebRequest): unknown;
}

const NO_WIRING: AppWiring = {
  resolveMiddleware(entry) {
    if (typeof entry !== "string") return entry;
    throw new ConfigError(`Middleware '${entry}' not found.`);
  },
  addBuiltinRoutes() {},
  loadUser: () => undefined,
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
export class AppBase implements App, RouteRegistrar {
  /** The options as given. */
  readonly options: Readonly<SpiderwebRouterOptions>;
  /** Options the framework does not know, for your own use. */
  readonly extra_data: Record<string, unknown> = {};
  /** The address `start()` binds. */
  readonly hostname: string;
  /** The port `start()` binds. */
  readonly port: number;
  /** Development mode. */
  readonly debug: boolean;
  /** Serve routes at their `/`-terminated form. */
  readonly append_slash: boolean;
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

  readonly #routes = new RouteTable<ViewFunction>();
  readonly #converters = new Map<string, Converter>(BUILTIN_CONVERTERS);
  readonly #errorRoutes = new Map<number, ErrorView>();
  readonly #engine: Engine & { hooks: Engine["hooks"] };
  readonly #respond: PartsHandler;
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
    options: SpiderwebRouterOptions = {},
    wiring: AppWiring = NO_WIRING,
  ) {
    this.options = options;
    for (const [key, value] of Object.entries(options)) {
      if (!isKnownOption(key)) this.extra_data[key] = value;
    }
    this.hostname = options.addr ?? "localhost";
    this.port = options.port ?? 8000;
    this.debug = options.debug ?? false;
    this.append_slash = options.append_slash ?? false;
    this.max_request_body_size = options.max_request_body_size === undefined
      ? DEFAULT_MAX_BODY
      : options.max_request_body_size;
    this.secret_key = options.secret_key;
    this.log = options.log ?? consoleLogger;
    this.#validateOptions();
    const hostAllowed = compileAllowedHosts(options.allowed_hosts ?? ["*"]);
    const engine = {
      app: this as App,
      hooks: collectHooks([]),
      trustForwarded: options.trust_forwarded_headers ?? false,
      hostAllowed,
      match: (path: string) => this.#routes.match(path),
      errorRoute: (code: number) => this.getErrorRoute(code),
      customErrorRoute: (code: number) => this.#errorRoutes.get(code),
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
    this.#respond = (raw, info) => {
      const address = remoteAddressOf(info, raw);
      if (!this.#started && options.on_startup?.length) {
        return this.#runStartup().then(() =>
          handleRequest(engine, raw, address)
        );
      }
      return handleRequest(engine, raw, address);
    };
    this.fetch = async (request, info) =>
      partsToResponse(await this.#respond(request, info as ServeInfo));
    this.log.debug("Run startup checks...");
    this.#runChecks(classes);
  }

  #validateOptions(): void {
    const limit = this.max_request_body_size;
    if (limit !== null && !(Number.isInteger(limit) && limit >= 0)) {
      throw new ConfigError(
        `max_request_body_size must be a non-negative integer or null, got ${
          JSON.stringify(limit)
        }`,
      );
    }
    if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535) {
      throw new ConfigError(
        `port must be an integer in 0..65535, got ${this.port}`,
      );
    }
    if (this.secret_key !== undefined && !this.secret_key) {
      throw new ConfigError("secret_key must be a non-empty string");
    }
  }

  #runChecks(classes: readonly MiddlewareClass[]): void {
    const errors: unknown[] = [];
    for (const cls of new Set(classes)) {
      for (const Check of cls.checks ?? []) {
        try {
          const error = new Check(this).check();
          if (error) errors.push(error);
        } catch (error) {
          errors.push(error);
        }
      }
    }
    if (errors.length) throw new StartupErrors(errors);
  }

  /**
   * Registers `view` at `path` and returns it.
   *
   * @param path e.g. `/user/<int:id>`
   * @param view a view function or a `View` subclass
   * @param options allowed methods, name, CSRF exemption, schema
   * @returns the view
   */
  route<P extends string, V extends ViewFor<P>>(
    path: P,
    view: V,
    options?: RouteOptions,
  ): V;
  /**
   * Returns a registrar to call on a view (or use as a class decorator).
   *
   * @param path e.g. `/user/<int:id>`
   * @param options allowed methods, name, CSRF exemption, schema
   * @returns a function that registers a view and returns it
   */
  route<P extends string>(
    path: P,
    options?: RouteOptions,
  ): <V extends ViewFor<P>>(view: V) => V;
  route(
    path: string,
    viewOrOptions?: AnyView | RouteOptions,
    options?: RouteOptions,
  ): unknown {
    return routeForms(
      (p, v, o) => this.addRoute(p, v, o),
      path,
      viewOrOptions,
      options,
    );
  }

  /**
   * Registers a view.
   *
   * @param path e.g. `/user/<int:id>`
   * @param view a view function or a `View` subclass
   * @param options allowed methods, name, CSRF exemption, schema
   * @throws ConfigError for a duplicate path; ParseError for an unknown converter
   */
  addRoute<P extends string>(
    path: P,
    view: ViewFor<P> | AnyView,
    options: RouteOptions = {},
  ): void {
    this.#routes.add(buildRoute(path, view as AnyView, options, {
      converters: this.#converters,
      appendSlash: this.append_slash,
      index: this.#routes.size,
    }));
  }

  /** Every route in registration order. */
  get routes(): readonly Route<ViewFunction>[] {
    return this.#routes.routes;
  }

  /**
   * Attaches a route group's routes under its prefix and namespace.
   *
   * @param group the group
   */
  includeRouteGroup(group: RouteGroup): void {
    for (const { path, view, options } of group.routes) {
      const name = options.name && group.namespace
        ? `${group.namespace}:${options.name}`
        : options.name;
      this.addRoute(`${group.prefix}${path}`, view, { ...options, name });
    }
  }

  /**
   * Adds a custom path converter; register it before the routes that use it.
   *
   * @param cls a class with a `regex` string and `toValue(value)`
   * @throws ConfigError for a name containing `__`
   */
  registerConverter(cls: ConverterClass): void {
    const name = converterName(cls);
    if (!name || name.includes("__")) {
      throw new ConfigError(`Invalid converter name ${JSON.stringify(name)}`);
    }
    this.#converters.set(name, new cls());
  }

  /**
   * Registers the view for an error status.
   *
   * @param code the status, e.g. 404
   * @param view `(request) => response`; the error is on `request.error`
   * @throws ConfigError when the code already has a view
   */
  addErrorRoute(code: number, view: ErrorView): void {
    if (this.#errorRoutes.has(code)) {
      throw new ConfigError(`Error route for code ${code} already exists.`);
    }
    this.#errorRoutes.set(code, view);
  }

  /**
   * A registrar for an error view: `app.error(404)(view)`.
   *
   * @param code the status
   * @returns a function that registers a view and returns it
   */
  error(code: number): <V extends ErrorView>(view: V) => V {
    return (view) => {
      this.addErrorRoute(code, view);
      return view;
    };
  }

  /**
   * The view that answers an error status.
   *
   * @param code the status
   * @returns the custom view, else the built-in one, else the 500 view
   */
  getErrorRoute(code: number): ErrorView {
    return this.#errorRoutes.get(code) ?? BUILTIN_ERROR_VIEWS.get(code)
      ?? this.getErrorRoute(500);
  }

  /**
   * The URL of a named route.
   *
   * @param name the route's name (`namespace:name` in groups)
   * @param data the path values; URL-encoded (`path` values per segment)
   * @param query appended through `URLSearchParams`; arrays repeat the key
   * @returns the path, with the query string when one is given
   * @throws ReverseNotFound or SpiderwebException for missing values
   */
  reverse(
    name: string,
    data: Record<string, unknown> = {},
    query: Record<string, unknown> = {},
  ): string {
    return reverseRoute(this.#routes.routes, name, data, query);
  }

  /** The app's SQLite database, opened on first use. */
  get db(): Database {
    return this.#db ??= runtime.openDatabase(this.options.db ?? "spiderweb.db");
  }

  /** True once the database has been opened. */
  get hasOpenDatabase(): boolean {
    return this.#db !== undefined;
  }

  #runStartup(): Promise<void> {
    this.#startup ??= (async () => {
      for (const hook of this.options.on_startup ?? []) await hook();
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
    for (const hook of this.options.on_shutdown ?? []) {
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

// `info` is ours (`{ remoteAddress }`), Deno's ServeHandlerInfo, or Bun's server.
function remoteAddressOf(info: unknown, raw: Request): string | undefined {
  if (!info || typeof info !== "object") return undefined;
  const value = info as ServeInfo & {
    remoteAddr?: { hostname?: string };
    requestIP?: (request: Request) => { address: string } | null;
  };
  return value.remoteAddress ?? value.remoteAddr?.hostname
    ?? value.requestIP?.(raw)?.address;
}
