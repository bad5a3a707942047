/**
 * The built-in error views (JSON, as in spiderweb) and the text page that
 * answers a network exception with its own status.
 *
 * @module
 */

import type { SpiderwebNetworkException } from "../http/network_errors.ts";
import { HttpResponse } from "./response.ts";
import { JsonResponse } from "./json_response.ts";
import type { SpiderwebRequest } from "./request.ts";
import type { ViewFunction } from "./view.ts";

/** An error view: gets the request (the error is on `request.error`). */
export type ErrorView = (
  request: SpiderwebRequest,
) => ReturnType<ViewFunction>;

/** The built-in views for the router's own decisions. */
export const BUILTIN_ERROR_VIEWS: ReadonlyMap<number, ErrorView> = new Map<
  number,
  ErrorView
>([
  [403, () => new JsonResponse({ error: "Forbidden" }, { status_code: 403 })],
  [
    404,
    (request) =>
      new JsonResponse({ error: `Route \`${request.path}\` not found` }, {
        status_code: 404,
      }),
  ],
  [
    405,
    () =>
      new JsonResponse({ error: "Method not allowed" }, { status_code: 405 }),
  ],
  [
    500,
    () =>
      new JsonResponse({ error: "Internal server error" }, {
        status_code: 500,
      }),
  ],
]);

/** The original's text page for a network exception, with its status. */
export function networkErrorPage(
  error: SpiderwebNetworkException,
): HttpResponse {
  const body =
    `Something went wrong.\n\nCode: ${error.code}\n\nMsg: ${error.msg}\n\nDesc: ${error.desc}`;
  return new HttpResponse(body, {
    status_code: error.status,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
