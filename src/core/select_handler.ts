/**
 * The router's decision for a request before any middleware runs: a bad
 * host (403), an unknown path (404, or the `append_slash` redirect), a wrong
 * method (405 with `Allow`, or the automatic OPTIONS answer), or the view.
 *
 * @module
 */

import { hostOf } from "../http/request_target.ts";
import type { Engine } from "./engine.ts";
import type { SpiderwebRequest } from "./request.ts";
import { HttpResponse } from "./response.ts";
import { RedirectResponse } from "./redirect_response.ts";
import { toResponse, withStatus } from "./to_response.ts";

/** What runs for a request: a view or an error view, and its parameters. */
export type Handler = (
  request: SpiderwebRequest,
  params: Record<string, unknown>,
) => unknown;

const NO_PARAMS = Object.freeze({});

/**
 * Picks the handler for a request and records the matched route on it.
 *
 * @param engine the app's internals
 * @param request the request
 * @returns the handler, the converted path parameters, and whether the
 *   handler is the route's view (only a view ever reads the body)
 */
export function selectHandler(
  engine: Engine,
  request: SpiderwebRequest,
): [Handler, Record<string, unknown>, boolean] {
  if (!engine.hostAllowed(hostOf(request.raw))) {
    return [errorView(engine, 403), NO_PARAMS, false];
  }
  const match = engine.match(request.path);
  if (!match) {
    if (
      engine.app.append_slash && !request.path.endsWith("/")
      && engine.match(`${request.path}/`)
    ) {
      return [slashRedirect, NO_PARAMS, false];
    }
    return [errorView(engine, 404), NO_PARAMS, false];
  }
  const { route } = match;
  request.route = route;
  if (!route.methods.has(request.method)) {
    if (request.method === "OPTIONS") {
      return [() => automaticOptions(route.allow), NO_PARAMS, false];
    }
    const view405 = errorView(engine, 405);
    return [
      async (req, params) => {
        const response = await view405(req, params) as HttpResponse;
        response.headers.set("allow", route.allow);
        return response;
      },
      NO_PARAMS,
      false,
    ];
  }
  return [route.view as Handler, match.params, true];
}

function automaticOptions(allow: string): HttpResponse {
  return new HttpResponse(null, { status_code: 204, headers: { allow } });
}

// RFC 9110 §15.4: 301 may turn a POST into a GET; 308 keeps the method.
function slashRedirect(request: SpiderwebRequest): HttpResponse {
  // A leading `//` would make the target protocol-relative (another host).
  const path = request.rawPath.replace(/^\/[/\\]+/, "/%2F");
  const query = request.queryString ? `?${request.queryString}` : "";
  const get = request.method === "GET" || request.method === "HEAD";
  return new RedirectResponse(`${path}/${query}`, {
    status_code: get ? 301 : 308,
  });
}

function errorView(engine: Engine, code: number): Handler {
  const view = engine.errorRoute(code);
  return async (request) =>
    withStatus(toResponse(await view(request), view), code);
}
