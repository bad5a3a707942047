/**
 * One request through the app: pick the handler, buffer the body, run the
 * middleware and the view, and render. Every runtime goes through here, and
 * every response gets `processResponse` once.
 *
 * @module
 */

import { UnusedMiddleware } from "../http/errors.ts";
import { BadRequest } from "../http/status_errors.ts";
import { splitTarget } from "../http/request_target.ts";
import type {
  BodySource,
  PeerAddress,
  ResponseParts,
} from "../runtime/runtime.ts";
import { hasBody, IncomingBody } from "./incoming_body.ts";
import type { Engine } from "./engine.ts";
import { errorResponse } from "./error_response.ts";
import type { SpiderwebMiddleware } from "./middleware.ts";
import { setRequestBody, SpiderwebRequest } from "./request.ts";
import { readMultipartForm, removeTemporaryFiles } from "./multipart_form.ts";
import {
  type BodyLimits,
  isMultipartForm,
  parseForm,
  readBody,
} from "./request_body.ts";
import { type HttpResponse, toResponseParts } from "./response.ts";
import { type Handler, selectHandler } from "./select_handler.ts";
import { toResponse } from "./to_response.ts";

/**
 * Runs one request through the app.
 *
 * @param engine the app's internals
 * @param raw the Fetch request
 * @param remoteAddress the peer's address, from the runtime
 * @param fromSocket whether a server received it (then a Host header is required)
 * @param source the body, when the server hands it over itself (Node)
 * @returns the response as plain parts
 */
export async function handleRequest(
  engine: Engine,
  raw: Request,
  remoteAddress: PeerAddress | undefined,
  fromSocket = false,
  source?: BodySource,
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
  const request = new SpiderwebRequest(raw, { path, rawPath, queryString }, {
    server: engine.app,
    trustForwarded: engine.trustForwarded,
    remoteAddress,
    loadUser: engine.loadUser,
  });
  let response: HttpResponse;
  // What this request holds of the buffered-body budget and of the disk
  // (spooled uploads), given back below.
  const held = { bytes: 0 };
  const temporaryFiles: string[] = [];
  try {
    if (badPath) throw new BadRequest("Invalid percent-encoding in the path");
    // RFC 9112 §3.2: no Host, no service (servers fill in one of their own).
    if (fromSocket && !raw.headers.has("host")) {
      throw new BadRequest("The request has no Host header");
    }
    const incoming = hasBody(raw, fromSocket)
      ? new IncomingBody(raw, fromSocket, source)
      : null;
    response = await dispatch(engine, request, incoming, held, temporaryFiles);
  } catch (error) {
    response = await errorResponse(engine, request, error, true);
  }
  try {
    return await finish(engine, request, response);
  } finally {
    engine.bodyBudget.release(held.bytes);
    if (temporaryFiles.length) {
      await removeTemporaryFiles(
        temporaryFiles,
        (path, error) =>
          engine.app.log.error(`Could not delete the upload ${path}:`, error),
      );
    }
  }
}

async function dispatch(
  engine: Engine,
  request: SpiderwebRequest,
  incoming: IncomingBody | null,
  held: { bytes: number },
  temporaryFiles: string[],
): Promise<HttpResponse> {
  const [handler, params, runsView] = selectHandler(engine, request);
  request.handler = handler;
  if (incoming && !runsView) {
    // A 403, 404, 405 or automatic answer never buffers the body: it is
    // dropped, and the connection closes after the answer.
    await incoming.cancel();
    const response = await run(engine, request, handler, params);
    response.headers.set("connection", "close");
    return response;
  }
  if (incoming) {
    const limits: BodyLimits = {
      limit: engine.app.max_request_body_size,
      budget: engine.bodyBudget,
      held,
    };
    if (isMultipartForm(request)) {
      const form = await readMultipartForm(
        incoming,
        limits,
        engine.uploads,
        temporaryFiles,
      );
      setRequestBody(request, form.raw);
      request.POST = form.fields;
      request.FILES = form.files;
    } else {
      setRequestBody(request, await readBody(incoming, limits));
      parseForm(request);
    }
  }
  return run(engine, request, handler, params);
}

// The request hooks, then the handler (unless a hook answered).
async function run(
  engine: Engine,
  request: SpiderwebRequest,
  handler: Handler,
  params: Record<string, unknown>,
): Promise<HttpResponse> {
  for (const middleware of engine.hooks.requestHooks) {
    let result = runHook(
      engine,
      middleware,
      () => middleware.processRequest!(request),
    );
    if (result instanceof Promise) result = await result;
    if (result) return toResponse(result, handler);
  }
  const result = handler(request, params);
  // Sync views skip a microtask turn.
  return toResponse(result instanceof Promise ? await result : result, handler);
}

// `UnusedMiddleware` removes the middleware; the request goes on as if the
// hook had returned nothing. A synchronous hook costs no promise: only a
// hook that returns one is awaited.
function runHook<T>(
  engine: Engine,
  middleware: SpiderwebMiddleware,
  hook: () => T | Promise<T>,
): T | undefined | Promise<T | undefined> {
  const unused = (error: unknown) => {
    if (!(error instanceof UnusedMiddleware)) throw error;
    engine.removeMiddleware(middleware);
    return undefined;
  };
  try {
    const result = hook();
    return result instanceof Promise ? result.catch(unused) : result;
  } catch (error) {
    return unused(error);
  }
}

async function finish(
  engine: Engine,
  request: SpiderwebRequest,
  response: HttpResponse,
): Promise<ResponseParts> {
  try {
    for (const middleware of engine.hooks.responseHooks) {
      const done = runHook(
        engine,
        middleware,
        () => middleware.processResponse!(request, response),
      );
      if (done instanceof Promise) await done;
    }
    const rendered = response.render(request);
    let body = rendered instanceof Promise ? await rendered : rendered;
    for (const middleware of engine.hooks.postHooks) {
      const hook = () => middleware.postProcess!(request, response, body);
      let next = runHook(engine, middleware, hook);
      if (next instanceof Promise) next = await next;
      if (next !== undefined) body = next;
    }
    return toResponseParts(response, body, request.method);
  } catch (error) {
    try {
      const fallback = await errorResponse(engine, request, error, false);
      const body = await fallback.render(request);
      return toResponseParts(fallback, body, request.method);
    } catch (fallbackError) {
      engine.app.log.error(
        "Rendering the error response failed:",
        fallbackError,
      );
      return { status: 500, headers: {}, body: null };
    }
  }
}
