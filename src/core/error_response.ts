/**
 * Turns an exception into a response: a network exception gets its own
 * status (a custom error view, else the original's text page), anything else
 * goes through the `onError` hooks, is logged, and gets the 500 view.
 *
 * @module
 */

import { SpiderwebNetworkException } from "../http/network_errors.ts";
import { unavailable } from "../http/status_errors.ts";
import { DatabaseBusyError, isBusy } from "../runtime/busy.ts";
import { isStorageFault } from "../runtime/storage_fault.ts";
import { debugResponse } from "./debug_page.ts";
import type { Engine } from "./engine.ts";
import { BUILTIN_ERROR_VIEWS, networkErrorPage } from "./error_views.ts";
import type { SpiderwebRequest } from "./request.ts";
import type { HttpResponse } from "./response.ts";
import { toResponse, withStatus } from "./to_response.ts";

/**
 * The response for an exception raised while handling `request`.
 *
 * @param engine the app's internals
 * @param request the request (`request.error` is set to the exception)
 * @param error the exception
 * @param runOnError false once the hooks had their turn (errors while finishing)
 * @returns the error response
 */
export async function errorResponse(
  engine: Engine,
  request: SpiderwebRequest,
  error: unknown,
  runOnError: boolean,
): Promise<HttpResponse> {
  // A database locked by another process past db_busy_timeout (or a
  // synchronous statement that met the lock) is the server being busy.
  if (error instanceof DatabaseBusyError || isBusy(error)) {
    error = unavailable("The database is busy; try again shortly", {
      retryAfter: 1,
      cause: error,
    });
  } else if (isStorageFault(error)) {
    // A full disk or a read-only database: the request cannot be stored;
    // requests that need no writes go on being served.
    error = unavailable("The database cannot store data right now", {
      cause: error,
    });
  }
  request.error = error;
  if (error instanceof SpiderwebNetworkException) {
    // A failing backend (503 from a store) is logged with its cause.
    if (error.status >= 500) {
      engine.app.log.error(
        `${request.method} ${request.path} failed:`,
        error.cause ?? error,
      );
    }
    const response = await networkErrorResponse(engine, request, error);
    for (const [name, value] of Object.entries(error.headers ?? {})) {
      response.headers.set(name, value);
    }
    return response;
  }
  if (runOnError) {
    for (const middleware of engine.hooks.errorHooks) {
      try {
        const result = await middleware.onError!(request, error);
        if (result) return toResponse(result, middleware.onError);
      } catch (hookError) {
        if (hookError instanceof SpiderwebNetworkException) {
          return errorResponse(engine, request, hookError, false);
        }
        engine.app.log.error("onError hook failed:", hookError);
      }
    }
  }
  engine.app.log.error(
    `${request.method} ${request.path} failed:`,
    error instanceof Error ? error.stack ?? error : error,
  );
  // Development only: the exception and the request, secrets masked.
  if (engine.app.debug) return debugResponse(request, error);
  const view500 = engine.errorRoute(500);
  request.handler = view500;
  try {
    return withStatus(toResponse(await view500(request), view500), 500);
  } catch (viewError) {
    engine.app.log.error("Error view for 500 failed:", viewError);
    const builtin = BUILTIN_ERROR_VIEWS.get(500)!;
    return toResponse(await builtin(request), builtin);
  }
}

// A custom error route for the code, else the original's text page.
async function networkErrorResponse(
  engine: Engine,
  request: SpiderwebRequest,
  error: SpiderwebNetworkException,
): Promise<HttpResponse> {
  const custom = engine.customErrorRoute(error.status);
  if (!custom) return networkErrorPage(error);
  request.handler = custom;
  try {
    return withStatus(toResponse(await custom(request), custom), error.status);
  } catch (viewError) {
    engine.app.log.error(`Error view for ${error.status} failed:`, viewError);
    return networkErrorPage(error);
  }
}
