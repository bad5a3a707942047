/**
 * `AppRoutes`: an app's routes, converters and error views, with the
 * registration methods of spiderweb (`route`, `addRoute`, route groups,
 * converters, error routes, `reverse`). `AppBase` builds on it.
 *
 * @module
 */

import { ConfigError } from "../http/errors.ts";
import { reverseRoute } from "../routing/reverse.ts";
import {
  BUILTIN_CONVERTERS,
  type Converter,
  type ConverterClass,
  converterName,
} from "../routing/route_pattern.ts";
import {
  type Route,
  type RouteMatch,
  RouteTable,
} from "../routing/route_table.ts";
import { buildRoute } from "./build_route.ts";
import { BUILTIN_ERROR_VIEWS, type ErrorView } from "./error_views.ts";
import type { RouteGroup } from "./route_group.ts";
import {
  type AnyView,
  routeForms,
  type RouteOptions,
  type RouteRegistrar,
  type ViewFor,
} from "./route_options.ts";
import type { ViewFunction } from "./view.ts";

/** What the pipeline reads from an app's routes; not public API. */
export interface RouteLookup {
  /** The first route matching a decoded path. */
  match(path: string): RouteMatch<ViewFunction> | null;
  /** The custom error view for `code`, if one is registered. */
  customErrorRoute(code: number): ErrorView | undefined;
}

/**
 * The lookups of an app's routes, for the pipeline (set in a static block,
 * so nothing internal needs a public method).
 */
export let routeLookup: (app: AppRoutes) => RouteLookup;

/**
 * The routing half of an app; use `SpiderwebRouter`.
 *
 * @example Routes, groups and reverse
 * ```ts
 * import { RouteGroup, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * const api = new RouteGroup({ prefix: "/api", namespace: "api" });
 * api.route("/items/<int:id>", (_request, { id }) => ({ id }), { name: "item" });
 * app.includeRouteGroup(api);
 * console.assert(app.reverse("api:item", { id: 7 }) === "/api/items/7");
 * ```
 */
export class AppRoutes implements RouteRegistrar {
  /** Serve routes at their `/`-terminated form. */
  readonly append_slash: boolean;
  readonly #routes = new RouteTable<ViewFunction>();
  readonly #converters = new Map<string, Converter>(BUILTIN_CONVERTERS);
  readonly #errorRoutes = new Map<number, ErrorView>();

  static {
    routeLookup = (app) => ({
      match: (path) => app.#routes.match(path),
      customErrorRoute: (code) => app.#errorRoutes.get(code),
    });
  }

  /**
   * Creates an empty route table.
   *
   * @param appendSlash register routes at their `/`-terminated form
   */
  constructor(appendSlash: boolean) {
    this.append_slash = appendSlash;
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
}
