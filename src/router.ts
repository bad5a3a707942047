/**
 * `SpiderwebRouter`: options, routes, middleware, reverse, and `fetch()`,
 * the Web-standard handler every runtime adapter calls.
 *
 * @module
 */

import { compileAllowedHosts } from "./http/allowed_hosts.ts";
import {
  ConfigError,
  ReverseNotFound,
  SpiderwebException,
  StartupErrors,
} from "./http/errors.ts";
import type { ErrorView } from "./core/error_views.ts";
import { BUILTIN_ERROR_VIEWS } from "./core/error_views.ts";
import { consoleLogger, type Logger } from "./core/logger.ts";
import { resolveMiddleware } from "./middleware/registry.ts";
import { handleRequest, type Pipeline } from "./core/pipeline.ts";
import { SpiderwebRequest } from "./core/request.ts";
import {
  type AnyView,
  routeForms,
  type RouteOptions,
  type RouteRegistrar,
  type ViewFor,
} from "./core/route_options.ts";
import type { RouteGroup } from "./core/route_group.ts";
import {
  BUILTIN_CONVERTERS,
  compileRoutePattern,
  type Converter,
  type ConverterClass,
  converterName,
} from "./routing/route_pattern.ts";
import {
  type Route,
  type RouteMatch,
  RouteTable,
} from "./routing/route_table.ts";
import {
  DEFAULT_ALLOWED_METHODS,
  DEFAULT_MAX_BODY,
  isKnownOption,
  type LifecycleHook,
  type SpiderwebRouterOptions,
} from "./core/app_options.ts";
import { runtime } from "./runtime/load.ts";
import {
  type Database,
  partsToResponse,
  type ResponseParts,
  type ServeInfo,
} from "./runtime/runtime.ts";
import type { SpiderwebMiddleware } from "./core/middleware.ts";
import {
  type RunningServer,
  type StartOptions,
  startServer,
} from "./core/start.ts";
import { registerFileRoutes } from "./files/static_files.ts";
import { ANONYMOUS_USER } from "./auth/user.ts";
import {
  isViewClass,
  sortMethods,
  viewClassToFunction,
  type ViewFunction,
} from "./core/view.ts";

/** What a router needs from a session store to run maintenance. */
export interface SessionMaintenance {
  /** Deletes expired sessions; returns how many. */
  clearExpired(): Promise<number>;
  /** Deletes every session of a user; returns how many. */
  revokeUser(userId: string): Promise<number>;
}

/**
 * The application: routes, middleware and settings, served by `start()` or
 * through `fetch()`.
 *
 * @example A small app
 * ```ts
 * import { HttpResponse, SpiderwebRouter } from "../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/user/<int:id>", (_request, { id }) => ({ id: id + 1 }));
 * app.route("/", () => new HttpResponse("Hello"));
 * const response = await app.fetch(new Request("http://localhost/user/41"));
 * console.assert((await response.json()).id === 42);
 * ```
 */
export class SpiderwebRouter implements RouteRegistrar {
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
  /** Set by the sessions middleware: its store's maintenance. */
  sessionMaintenance: SessionMaintenance | undefined;
  /**
   * The Fetch-API handler: `Deno.serve(app.fetch)`, `export default app`.
   *
   * @param request the standard request
   * @param info Deno's `ServeHandlerInfo`, Bun's server, or `{ remoteAddress }`
   * @returns the standard response
   */
  readonly fetch: (request: Request, info?: unknown) => Promise<Response>;

  readonly #routes = new RouteTable();
  readonly #converters = new Map<string, Converter>(BUILTIN_CONVERTERS);
  readonly #errorRoutes = new Map<number, ErrorView>();
  readonly #hostAllowed: (host: string) => boolean;
  readonly #trustForwarded: boolean;
  readonly #onStartup: readonly LifecycleHook[];
  readonly #onShutdown: readonly LifecycleHook[];
  readonly #commands = new Map<string, unknown>();
  #pipeline: Pipeline;
  #startup: Promise<void> | undefined;
  #started = false;
  #db: Database | undefined;

  /**
   * Creates the app; construction is synchronous and runs the startup checks.
   *
   * @param options the settings
   * @throws ConfigError or StartupErrors for an invalid configuration
   */
  constructor(options: SpiderwebRouterOptions = {}) {
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
    this.#trustForwarded = options.trust_forwarded_headers ?? false;
    this.#onStartup = options.on_startup ?? [];
    this.#onShutdown = options.on_shutdown ?? [];
    this.#hostAllowed = compileAllowedHosts(options.allowed_hosts ?? ["*"]);
    this.#validateOptions();
    const classes = (options.middleware ?? []).map(resolveMiddleware);
    for (const cls of classes) this.middleware.push(new cls(this));
    for (const [path, view, routeOptions] of options.routes ?? []) {
      this.addRoute(path, view, routeOptions ?? {});
    }
    for (const [code, view] of Object.entries(options.error_routes ?? {})) {
      this.addErrorRoute(Number(code), view);
    }
    registerFileRoutes(this);
    this.#pipeline = this.#buildPipeline();
    this.fetch = (request, info) => this.#fetch(request, info);
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

  #runChecks(classes: readonly { checks?: unknown[] }[]): void {
    const errors: unknown[] = [];
    for (const cls of new Set(classes)) {
      for (
        const Check of (cls.checks ?? []) as (new(s: this) => {
          check(): unknown;
        })[]
      ) {
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

  #buildPipeline(): Pipeline {
    const has = (hook: keyof SpiderwebMiddleware) =>
      this.middleware.filter((m) => typeof m[hook] === "function");
    return {
      requestHooks: has("processRequest"),
      responseHooks: has("processResponse").reverse(),
      postHooks: has("postProcess").reverse(),
      errorHooks: has("onError"),
    };
  }

  /** Removes a middleware for the life of the process (`UnusedMiddleware`). */
  removeMiddleware(middleware: SpiderwebMiddleware): void {
    const index = this.middleware.indexOf(middleware);
    if (index !== -1) this.middleware.splice(index, 1);
    this.#pipeline = this.#buildPipeline();
  }

  /** Registers `view` at `path` and returns it. */
  route<P extends string, V extends ViewFor<P>>(
    path: P,
    view: V,
    options?: RouteOptions,
  ): V;
  /** Returns a registrar to call on a view (or use as a class decorator). */
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
    let routePath: string = path.startsWith("/") ? path : `/${path}`;
    if (this.append_slash && !routePath.endsWith("/")) routePath += "/";
    const pattern = compileRoutePattern(routePath, this.#converters);
    const viewClass = isViewClass(view);
    const fn = (viewClass ? viewClassToFunction(view) : view) as ViewFunction;
    const own = (view as { allowed_methods?: readonly string[] })
      .allowed_methods;
    const listed = (options.allowed_methods ?? own
      ?? (viewClass ? view.allowedMethods() : DEFAULT_ALLOWED_METHODS))
      .map((m) => m.toUpperCase());
    const methods = new Set(listed);
    if (methods.has("GET")) methods.add("HEAD");
    const flags = view as {
      csrf_exempt?: boolean;
      schema?: unknown;
      query_schema?: unknown;
    };
    const route: Route = {
      path: routePath,
      name: options.name,
      allowed_methods: [...listed],
      csrf_exempt: options.csrf_exempt ?? flags.csrf_exempt ?? false,
      schema: options.schema ?? flags.schema,
      query_schema: options.query_schema ?? flags.query_schema,
      pattern,
      view: fn,
      methods,
      allow: sortMethods([...methods, "OPTIONS"]).join(", "),
      handlesOptions: methods.has("OPTIONS"),
      index: this.#routes.size,
    };
    this.#routes.add(route);
  }

  /** Every route in registration order. */
  get routes(): readonly Route[] {
    return this.#routes.routes;
  }

  /** Attaches a route group's routes under its prefix and namespace. */
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
   */
  registerConverter(cls: ConverterClass): void {
    const name = converterName(cls);
    if (!name || name.includes("__")) {
      throw new ConfigError(`Invalid converter name ${JSON.stringify(name)}`);
    }
    this.#converters.set(name, new cls());
  }

  /** Registers the view for an error status. */
  addErrorRoute(code: number, view: ErrorView): void {
    if (this.#errorRoutes.has(code)) {
      throw new ConfigError(`Error route for code ${code} already exists.`);
    }
    this.#errorRoutes.set(code, view);
  }

  /** A registrar for an error view: `app.error(404)(view)`. */
  error(code: number): <V extends ErrorView>(view: V) => V {
    return (view) => {
      this.addErrorRoute(code, view);
      return view;
    };
  }

  /** The custom error view for `code`, else the built-in one, else the 500 view. */
  getErrorRoute(code: number): ErrorView {
    return this.#errorRoutes.get(code) ?? BUILTIN_ERROR_VIEWS.get(code)
      ?? this.getErrorRoute(500);
  }

  /** The custom error view for `code`, if one is registered. */
  customErrorRoute(code: number): ErrorView | undefined {
    return this.#errorRoutes.get(code);
  }

  /**
   * The URL of a named route.
   *
   * @param name the route's name (`namespace:name` in groups)
   * @param data the path values; URL-encoded (`path` values per segment)
   * @param query appended through `URLSearchParams`; arrays repeat the key
   * @throws ReverseNotFound or SpiderwebException for missing values
   */
  reverse(
    name: string,
    data: Record<string, unknown> = {},
    query: Record<string, unknown> = {},
  ): string {
    const route = this.#routes.routes.find((r) => r.name === name);
    if (!route) throw new ReverseNotFound(`View '${name}' not found.`);
    const { params } = route.pattern;
    const missing = params.filter((p) => !(p.name in data)).map((p) => p.name);
    if (
      missing.length && missing.length === params.length && params.length > 1
    ) {
      throw new SpiderwebException(
        `Missing arguments for reverse: [${
          missing.map((m) => `'${m}'`).join(", ")
        }]`,
      );
    }
    if (missing.length) {
      throw new SpiderwebException(
        `Missing argument '${missing[0]}' for reverse.`,
      );
    }
    const path = route.path.replace(
      /<(?:([^:<>]*):)?([^:<>]*)>/g,
      (_, type: string | undefined, key: string) => {
        const value = String(data[key]);
        return type?.toLowerCase() === "path"
          ? value.split("/").map(encodeURIComponent).join("/")
          : encodeURIComponent(value);
      },
    );
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        search.append(key, String(item));
      }
    }
    const queryString = search.toString();
    return queryString ? `${path}?${queryString}` : path;
  }

  /** Declares a custom `web` command. */
  command(
    name: string,
    fn: (app: SpiderwebRouter, args: string[]) => unknown,
  ): void {
    this.#commands.set(name, fn);
  }

  /** The custom `web` commands. */
  get commands(): ReadonlyMap<string, unknown> {
    return this.#commands;
  }

  /** The app's SQLite database, opened on first use. */
  get db(): Database {
    return this.#db ??= runtime.openDatabase(this.options.db ?? "spiderweb.db");
  }

  /** True once the database has been opened. */
  get hasOpenDatabase(): boolean {
    return this.#db !== undefined;
  }

  /** Deletes expired sessions; returns how many (0 without sessions). */
  clearExpiredSessions(): Promise<number> {
    return this.sessionMaintenance?.clearExpired() ?? Promise.resolve(0);
  }

  /** Ends every session of a user; returns how many. */
  revokeUserSessions(userId: string | number): Promise<number> {
    return this.sessionMaintenance?.revokeUser(String(userId))
      ?? Promise.resolve(0);
  }

  /** Runs the `on_startup` hooks once (`start()` and the first request do). */
  runStartup(): Promise<void> {
    this.#startup ??= (async () => {
      for (const hook of this.#onStartup) await hook();
      this.#started = true;
    })();
    return this.#startup;
  }

  /** Serves with `Deno.serve`, `Bun.serve` or `node:http`. */
  start(options: StartOptions = {}): Promise<RunningServer> {
    return startServer(this, options);
  }

  /** Runs `on_shutdown`, closes middleware and the database. */
  async close(): Promise<void> {
    for (const hook of this.#onShutdown) {
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

  async #fetch(raw: Request, info?: unknown): Promise<Response> {
    return partsToResponse(await this.respond(raw, info));
  }

  /**
   * Handles a request and returns the response as plain parts: what server
   * adapters call (`fetch` wraps it in a Fetch `Response`).
   */
  respond(raw: Request, info?: unknown): Promise<ResponseParts> {
    const remoteAddress = remoteAddressOf(info, raw);
    if (!this.#started && this.#onStartup.length) {
      return this.runStartup().then(() =>
        handleRequest(this, this.#pipeline, raw, remoteAddress)
      );
    }
    return handleRequest(this, this.#pipeline, raw, remoteAddress);
  }

  /** Builds the request object for a Fetch request (used by the pipeline). */
  createRequest(
    raw: Request,
    parts: { path: string; rawPath: string; queryString: string },
    remoteAddress: string | undefined,
  ): SpiderwebRequest {
    return new SpiderwebRequest(raw, parts, {
      server: this,
      trustForwarded: this.#trustForwarded,
      remoteAddress,
      user: ANONYMOUS_USER,
    });
  }

  /** True when `host` passes `allowed_hosts`. */
  isHostAllowed(host: string): boolean {
    return this.#hostAllowed(host);
  }

  /** The first route matching a decoded path, with its parameters. */
  matchRoute(path: string): RouteMatch | null {
    return this.#routes.match(path);
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
