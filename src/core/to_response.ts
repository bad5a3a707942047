/**
 * The One Response Rule: what a view returns becomes an `HttpResponse` (a
 * plain object or array as JSON); anything else is a `NoResponseError`.
 *
 * @module
 */

import { NoResponseError } from "../http/errors.ts";
import { HttpResponse } from "./response.ts";
import { JsonResponse } from "./json_response.ts";

/**
 * Normalises a view's result: an `HttpResponse`, a Fetch `Response`, or a
 * plain object or array (as JSON).
 *
 * @example A plain object becomes JSON
 * ```ts
 * import { toResponse } from "./to_response.ts";
 * console.assert(toResponse({ a: 1 }, "view").status_code === 200);
 * ```
 *
 * @param result what the view returned
 * @param view the view, to name it in the error
 * @returns the response
 * @throws NoResponseError for anything that is not a response or plain data
 */
export function toResponse(result: unknown, view: unknown): HttpResponse {
  if (result instanceof HttpResponse) return result;
  if (result instanceof Response) return fromFetchResponse(result);
  if (Array.isArray(result) || isPlainObject(result)) {
    return new JsonResponse(result, {});
  }
  const name = (view as { name?: string })?.name || "(anonymous)";
  const got = result === null || result === undefined
    ? String(result)
    : `a ${typeof result}`;
  throw new NoResponseError(
    `View ${name} returned ${got}; expected an HttpResponse or a plain object.`,
  );
}

// A Fetch `Response` from a view: its status, headers and body are sent as
// they are, and the middleware sees it like any other response.
function fromFetchResponse(response: Response): HttpResponse {
  const converted = new HttpResponse(response.body, {
    status_code: response.status,
    headers: response.headers,
  });
  if (!response.headers.has("content-type")) {
    converted.headers.delete("content-type");
  }
  return converted;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Gives a response left at the default 200 the status of the error it
 * answers.
 *
 * @param response the error view's response
 * @param code the error's status
 * @returns the same response
 */
export function withStatus(response: HttpResponse, code: number): HttpResponse {
  if (response.status_code === 200) response.status_code = code;
  return response;
}
