/**
 * `Engine`: what the request pipeline needs from the app that is not public
 * API (the route table, the hooks, the error views, the user loader). The
 * app builds one and hands it to the pipeline and the server adapters; users
 * never see it.
 *
 * @module
 */

import type { RouteMatch } from "../routing/route_table.ts";
import type { BodyBudget } from "./body_budget.ts";
import type { UploadSettings } from "./multipart_form.ts";
import type { App } from "./app.ts";
import type { ErrorView } from "./error_views.ts";
import type { SpiderwebMiddleware } from "./middleware.ts";
import type { SpiderwebRequest } from "./request.ts";
import type { ViewFunction } from "./view.ts";

/** The middleware hooks in the order they run. */
export interface Hooks {
  /** `processRequest`, outermost first. */
  readonly requestHooks: readonly SpiderwebMiddleware[];
  /** `processResponse`, innermost first. */
  readonly responseHooks: readonly SpiderwebMiddleware[];
  /** `postProcess`, innermost first. */
  readonly postHooks: readonly SpiderwebMiddleware[];
  /** `onError`, outermost first. */
  readonly errorHooks: readonly SpiderwebMiddleware[];
}

/** The app's internals, as the pipeline uses them. */
export interface Engine {
  /** The public app (what `request.server` is). */
  readonly app: App;
  /** The hooks; replaced when a middleware removes itself. */
  readonly hooks: Hooks;
  /** Trust `X-Forwarded-*` headers. */
  readonly trustForwarded: boolean;
  /** The budget of request bodies buffered at once. */
  readonly bodyBudget: BodyBudget;
  /** How multipart uploads are kept. */
  readonly uploads: UploadSettings;
  /** True when `host` passes `allowed_hosts`. */
  hostAllowed(host: string): boolean;
  /** The first route matching a decoded path. */
  match(path: string): RouteMatch<ViewFunction> | null;
  /** The custom error view for `code`, else the built-in one, else the 500 view. */
  errorRoute(code: number): ErrorView;
  /** The custom error view for `code`, if one is registered. */
  customErrorRoute(code: number): ErrorView | undefined;
  /** Computes `request.user` on first read. */
  loadUser(request: SpiderwebRequest): unknown;
  /** Drops a middleware for the life of the process (`UnusedMiddleware`). */
  removeMiddleware(middleware: SpiderwebMiddleware): void;
}

/**
 * The hooks each middleware defines, in the order they run.
 *
 * @param middleware the instances, outermost first
 * @returns the hook lists
 */
export function collectHooks(
  middleware: readonly SpiderwebMiddleware[],
): Hooks {
  const has = (hook: keyof SpiderwebMiddleware) =>
    middleware.filter((m) => typeof m[hook] === "function");
  return {
    requestHooks: has("processRequest"),
    responseHooks: has("processResponse").reverse(),
    postHooks: has("postProcess").reverse(),
    errorHooks: has("onError"),
  };
}
