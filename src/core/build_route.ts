/**
 * A route from what `addRoute` was given: the compiled path, the view as a
 * function, the allowed methods in the port's order of precedence, and the
 * `Allow` header.
 *
 * @module
 */

import {
  compileRoutePattern,
  type Converter,
} from "../routing/route_pattern.ts";
import type { Route } from "../routing/route_table.ts";
import { DEFAULT_ALLOWED_METHODS } from "./app_options.ts";
import type { AnyView, RouteOptions } from "./route_options.ts";
import {
  isViewClass,
  sortMethods,
  viewClassToFunction,
  type ViewFunction,
} from "./view.ts";

/** What a route is built from, besides its view and options. */
export interface RouteContext {
  /** The converters by name. */
  readonly converters: ReadonlyMap<string, Converter>;
  /** Register the `/`-terminated form. */
  readonly appendSlash: boolean;
  /** The registration order. */
  readonly index: number;
}

/**
 * Builds a route. Allowed methods come from the explicit option, else the
 * view's `allowed_methods`, else a `View`'s handlers, else the defaults.
 *
 * @param path the path pattern, e.g. `/user/<int:id>`
 * @param view a view function or a `View` subclass
 * @param options allowed methods, name, CSRF exemption, schemas
 * @param context converters, `append_slash` and the registration order
 * @returns the route
 * @throws ParseError for an unknown converter; ConfigError for a bad pattern
 */
export function buildRoute(
  path: string,
  view: AnyView,
  options: RouteOptions,
  context: RouteContext,
): Route<ViewFunction> {
  let routePath = path.startsWith("/") ? path : `/${path}`;
  if (context.appendSlash && !routePath.endsWith("/")) routePath += "/";
  const pattern = compileRoutePattern(routePath, context.converters);
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
  return {
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
    index: context.index,
  };
}
