/**
 * The options of a route and the `route()` forms routers and groups share.
 *
 * @module
 */

import type { PathParams } from "../routing/route_pattern.ts";
import type { View, ViewFunction } from "./view.ts";

/** Per-route options, snake_case as in spiderweb. */
export interface RouteOptions {
  /** Accepted methods (case-insensitive); default POST, GET, PUT, PATCH, DELETE. */
  allowed_methods?: readonly string[];
  /** The name `reverse()` finds the route by. */
  name?: string;
  /** Skip CSRF checks for this route. */
  csrf_exempt?: boolean;
  /** A Standard Schema validating the body (ValidationMiddleware). */
  schema?: unknown;
  /** A Standard Schema validating the query string, for every method. */
  query_schema?: unknown;
}

/** Any view: a function of any params, or a `View` subclass. */
export type AnyView = ViewFunction<never> | typeof View;

/** A view for the path `P`, its params typed from the path. */
export type ViewFor<P extends string> =
  | ViewFunction<PathParams<P>>
  | typeof View;

/** The `route()` and `addRoute()` of routers and route groups. */
export interface RouteRegistrar {
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
  /**
   * Registers `view` at `path`.
   *
   * @param path e.g. `/user/<int:id>`
   * @param view a view function or a `View` subclass
   * @param options allowed methods, name, CSRF exemption, schema
   */
  addRoute<P extends string>(
    path: P,
    view: ViewFor<P>,
    options?: RouteOptions,
  ): void;
}

/** Implements both `route()` forms on top of an `addRoute`. */
export function routeForms(
  addRoute: (path: string, view: AnyView, options: RouteOptions) => void,
  path: string,
  viewOrOptions: AnyView | RouteOptions | undefined,
  options: RouteOptions | undefined,
): unknown {
  if (typeof viewOrOptions === "function") {
    addRoute(path, viewOrOptions, options ?? {});
    return viewOrOptions;
  }
  return (view: AnyView) => {
    addRoute(path, view, viewOrOptions ?? {});
    return view;
  };
}
