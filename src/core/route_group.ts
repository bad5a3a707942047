/**
 * `RouteGroup`: routes under a shared prefix and name namespace.
 *
 * @module
 */

import {
  type AnyView,
  routeForms,
  type RouteOptions,
  type RouteRegistrar,
  type ViewFor,
} from "./route_options.ts";

/** Options of `RouteGroup`. */
export interface RouteGroupOptions {
  /** Prepended to every path (a trailing `/` is dropped). */
  prefix?: string;
  /** Prepended to every name as `namespace:name`. */
  namespace?: string;
}

/** A route kept by a group until it is included. */
export interface GroupedRoute {
  /** The path without the prefix. */
  readonly path: string;
  /** The view. */
  readonly view: AnyView;
  /** The route options; the name without the namespace. */
  readonly options: RouteOptions;
}

/**
 * A group of routes sharing a prefix and a namespace, attached to a router
 * with `app.includeRouteGroup(group)`.
 *
 * @example An API group
 * ```ts
 * import { RouteGroup, SpiderwebRouter } from "../../mod.ts";
 * const api = new RouteGroup({ prefix: "/api", namespace: "api" });
 * api.route("/users", () => ({ users: [] }), { name: "users" });
 * const app = new SpiderwebRouter();
 * app.includeRouteGroup(api);
 * console.assert(app.reverse("api:users") === "/api/users");
 * ```
 */
export class RouteGroup implements RouteRegistrar {
  /** The path prefix. */
  readonly prefix: string;
  /** The name namespace. */
  readonly namespace: string | undefined;
  /** The routes, in registration order. */
  readonly routes: GroupedRoute[] = [];

  /**
   * Creates an empty group.
   *
   * @param options the path prefix and the name namespace
   */
  constructor(options: RouteGroupOptions = {}) {
    this.prefix = (options.prefix ?? "").replace(/\/+$/, "");
    this.namespace = options.namespace;
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
   * Registers `view` at `path`.
   *
   * @param path e.g. `/user/<int:id>`
   * @param view a view function or a `View` subclass
   * @param options allowed methods, name, CSRF exemption, schema
   */
  addRoute<P extends string>(
    path: P,
    view: ViewFor<P> | AnyView,
    options: RouteOptions = {},
  ): void {
    this.routes.push({ path, view, options });
  }
}
