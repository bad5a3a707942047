/**
 * One request through the app: pick the handler, buffer the body, run the
 * middleware and the view, turn errors into responses, and render. Every
 * runtime goes through here, and every response gets `processResponse` once.
 *
 * @module
 */

import { BUILTIN_ERROR_VIEWS, networkErrorPage } from "./error_views.ts";
import {
  BadRequest,
  NoResponseError,
  PayloadTooLarge,
  SpiderwebNetworkException,
  UnusedMiddleware,
} from "../http/errors.ts";
import type { SpiderwebRequest } from "./request.ts";
import { parseForm, readBody } from "./request_body.ts";
import {
  HttpResponse,
  JsonResponse,
  RedirectResponse,
  toResponseParts,
} from "./response.ts";
import type { ResponseParts } from "../runtime/runtime.ts";
import type { SpiderwebRouter } from "../router.ts";
import type { SpiderwebMiddleware } from "./middleware.ts";

/** The middleware hooks in the order they run. */
export interface Pipeline {
  readonly requestHooks: readonly SpiderwebMiddleware[];
  readonly responseHooks: readonly SpiderwebMiddleware[];
  readonly postHooks: readonly SpiderwebMiddleware[];
  readonly errorHooks: readonly SpiderwebMiddleware[];
}

type Handler = (
  request: SpiderwebRequest,
  params: Record<string, unknown>,
) => unknown;

const NO_PARAMS = Object.freeze({});

/** Splits a request URL into its raw path and query without normalising. */
export function splitTarget(
  url: string,
): { rawPath: string; queryString: string } {
  let start = 0;
  const scheme = url.indexOf("://");
  if (scheme !== -1) {
    start = url.indexOf("/", scheme + 3);
    if (start === -1) return { rawPath: "/", queryString: "" };
  }
  let end = url.indexOf("#", start);
  if (end === -1) end = url.length;
  const question = url.indexOf("?", start);
  if (question !== -1 && question < end) {
    return {
      rawPath: url.slice(start, question),
      queryString: url.slice(question + 1, end),
    };
  }
  return { rawPath: url.slice(start, end), queryString: "" };
}

function hostOf(raw: Request): string {
  const host = raw.headers.get("host");
  if (host !== null) return host;
  const scheme = raw.url.indexOf("://");
  if (scheme === -1) return "";
  const end = raw.url.indexOf("/", scheme + 3);
  return raw.url.slice(scheme + 3, end === -1 ? undefined : end);
}

/** Runs one request through the app. */
export async function handleRequest(
  app: SpiderwebRouter,
  pipeline: Pipeline,
  raw: Request,
  remoteAddress: string | undefined,
): Promise<ResponseParts> {
  const { rawPath, queryString } = splitTarget(raw.url);
  let path = rawPath;
  let badPath = false;
  if (rawPath.includes("%")) {
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      badPath = true;
    }
  }
  const request = app.createRequest(
    raw,
    { path, rawPath, queryString },
    remoteAddress,
  );
  let response: HttpResponse;
  try {
    if (badPath) throw new BadRequest("Invalid percent-encoding in the path");
    response = await dispatch(app, pipeline, request);
  } catch (error) {
    response = await errorResponse(app, pipeline, request, error, true);
  }
  return finish(app, pipeline, request, response);
}

function select(
  app: SpiderwebRouter,
  request: SpiderwebRequest,
): [Handler, Record<string, unknown>] {
  if (!app.isHostAllowed(hostOf(request.raw))) {
    return [errorView(app, 403), NO_PARAMS];
  }
  const match = app.matchRoute(request.path);
  if (!match) {
    if (
      app.append_slash && !request.path.endsWith("/")
      && app.matchRoute(`${request.path}/`)
    ) {
      return [slashRedirect, NO_PARAMS];
    }
    return [errorView(app, 404), NO_PARAMS];
  }
  const { route } = match;
  request.route = route;
  if (!route.methods.has(request.method)) {
    if (request.method === "OPTIONS") {
      return [() => automaticOptions(route.allow), NO_PARAMS];
    }
    const view405 = errorView(app, 405);
    return [async (req, params) => {
      const response = await view405(req, params) as HttpResponse;
      response.headers.set("allow", route.allow);
      return response;
    }, NO_PARAMS];
  }
  return [route.view as Handler, match.params];
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
  const response = new RedirectResponse(`${path}/${query}`, {
    status_code: get ? 301 : 308,
  });
  return response;
}

function errorView(app: SpiderwebRouter, code: number): Handler {
  const view = app.getErrorRoute(code);
  return async (request) =>
    withStatus(toResponse(await view(request), view), code);
}

function withStatus(response: HttpResponse, code: number): HttpResponse {
  if (response.status_code === 200) response.status_code = code;
  return response;
}

async function dispatch(
  app: SpiderwebRouter,
  pipeline: Pipeline,
  request: SpiderwebRequest,
): Promise<HttpResponse> {
  const [handler, params] = select(app, request);
  request.handler = handler;
  if (request.raw.body) {
    request.setBody(await readBody(request.raw, app.max_request_body_size));
    await parseForm(request);
  }
  for (const middleware of pipeline.requestHooks) {
    const result = await runHook(
      app,
      middleware,
      () => middleware.processRequest!(request),
    );
    if (result) return toResponse(result, handler);
  }
  const result = handler(request, params);
  // Sync views skip a microtask turn.
  return toResponse(result instanceof Promise ? await result : result, handler);
}

// `UnusedMiddleware` removes the middleware; the request goes on as if the
// hook had returned nothing.
async function runHook<T>(
  app: SpiderwebRouter,
  middleware: SpiderwebMiddleware,
  hook: () => T | Promise<T>,
): Promise<T | undefined> {
  try {
    return await hook();
  } catch (error) {
    if (!(error instanceof UnusedMiddleware)) throw error;
    app.removeMiddleware(middleware);
    return undefined;
  }
}

/** Normalises a view's result: a response, or a plain object or array as JSON. */
export function toResponse(result: unknown, view: unknown): HttpResponse {
  if (result instanceof HttpResponse) return result;
  if (Array.isArray(result) || isPlainObject(result)) {
    return new JsonResponse(result, {});
  }
  const name = (view as { name?: string })?.name || "(anonymous)";
  const got = result === null || result === undefined
    ? String(result)
    : result instanceof Response
    ? "a Fetch Response"
    : `a ${typeof result}`;
  throw new NoResponseError(
    `View ${name} returned ${got}; expected an HttpResponse or a plain object.`,
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// A custom error route for the code, else the original's text page.
async function networkErrorResponse(
  app: SpiderwebRouter,
  request: SpiderwebRequest,
  error: SpiderwebNetworkException,
): Promise<HttpResponse> {
  const custom = app.customErrorRoute(error.status);
  if (!custom) return networkErrorPage(error);
  request.handler = custom;
  try {
    return withStatus(toResponse(await custom(request), custom), error.status);
  } catch (viewError) {
    app.log.error(`Error view for ${error.status} failed:`, viewError);
    return networkErrorPage(error);
  }
}

async function errorResponse(
  app: SpiderwebRouter,
  pipeline: Pipeline,
  request: SpiderwebRequest,
  error: unknown,
  runOnError: boolean,
): Promise<HttpResponse> {
  request.error = error;
  if (error instanceof SpiderwebNetworkException) {
    const response = await networkErrorResponse(app, request, error);
    // The rest of the body was not read: the connection cannot be reused.
    if (error instanceof PayloadTooLarge) {
      response.headers.set("connection", "close");
    }
    return response;
  }
  if (runOnError) {
    for (const middleware of pipeline.errorHooks) {
      try {
        const result = await middleware.onError!(request, error);
        if (result) return toResponse(result, middleware.onError);
      } catch (hookError) {
        if (hookError instanceof SpiderwebNetworkException) {
          return errorResponse(app, pipeline, request, hookError, false);
        }
        app.log.error("onError hook failed:", hookError);
      }
    }
  }
  app.log.error(
    `${request.method} ${request.path} failed:`,
    error instanceof Error ? error.stack ?? error : error,
  );
  const view500 = app.getErrorRoute(500);
  request.handler = view500;
  try {
    return withStatus(toResponse(await view500(request), view500), 500);
  } catch (viewError) {
    app.log.error("Error view for 500 failed:", viewError);
    const builtin = BUILTIN_ERROR_VIEWS.get(500)!;
    return toResponse(await builtin(request), builtin);
  }
}

async function finish(
  app: SpiderwebRouter,
  pipeline: Pipeline,
  request: SpiderwebRequest,
  response: HttpResponse,
): Promise<ResponseParts> {
  try {
    for (const middleware of pipeline.responseHooks) {
      await runHook(
        app,
        middleware,
        () => middleware.processResponse!(request, response),
      );
    }
    const rendered = response.render(request);
    let body = rendered instanceof Promise ? await rendered : rendered;
    for (const middleware of pipeline.postHooks) {
      const hook = () => middleware.postProcess!(request, response, body);
      const next = await runHook(app, middleware, hook);
      if (next !== undefined) body = next;
    }
    return toResponseParts(response, body, request.method);
  } catch (error) {
    try {
      const fallback = await errorResponse(
        app,
        pipeline,
        request,
        error,
        false,
      );
      const body = await fallback.render(request);
      return toResponseParts(fallback, body, request.method);
    } catch (fallbackError) {
      app.log.error("Rendering the error response failed:", fallbackError);
      return { status: 500, headers: {}, body: null };
    }
  }
}
