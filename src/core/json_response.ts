/**
 * `JsonResponse`: data serialized as JSON, with its content type.
 *
 * @module
 */

import { HttpResponse, isInitObject, type ResponseInit } from "./response.ts";

/**
 * A JSON response: `application/json` with `JSON.stringify(data)`.
 *
 * @example Returning JSON
 * ```ts
 * import { JsonResponse } from "../../mod.ts";
 * const response = new JsonResponse({ ok: true }, { status_code: 201 });
 * console.assert(response.toString() === '{"ok":true}');
 * ```
 */
export class JsonResponse extends HttpResponse {
  /** JSON responses are `application/json` unless set otherwise. */
  static override contentType: string | null = "application/json";

  /**
   * Creates a response.
   *
   * @param body the body, or `{ body, status_code, headers, context }`
   * @param init the status, headers and context
   */
  constructor(data?: unknown, init: ResponseInit = {}) {
    if (arguments.length < 2 && isInitObject(data, "data")) {
      init = data as ResponseInit;
      data = init.data;
    }
    super(JSON.stringify(data ?? null), { ...init, data });
  }
}
