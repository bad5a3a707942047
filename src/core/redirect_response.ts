/**
 * `RedirectResponse`: 302 to a location by default, or the 3xx status given.
 *
 * @module
 */

import { GeneralException } from "../http/errors.ts";
import { HttpResponse, type ResponseInit } from "./response.ts";

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/** Options of `RedirectResponse`. */
export interface RedirectInit extends ResponseInit {
  /** Where to send the visitor. */
  location?: string;
}

/**
 * A redirect: 302 by default; 301, 303, 307 and 308 are honoured.
 *
 * @example Redirecting permanently
 * ```ts
 * import { RedirectResponse } from "../../mod.ts";
 * const response = new RedirectResponse("/new", { status_code: 301 });
 * console.assert(response.headers.get("location") === "/new");
 * ```
 */
export class RedirectResponse extends HttpResponse {
  /**
   * Creates the redirect.
   *
   * @param location the target, or `{ location, status_code, headers }`
   * @param init the status and headers
   * @throws GeneralException for CR, LF or NUL in the location, or a non-redirect status
   */
  constructor(location: string | RedirectInit, init: ResponseInit = {}) {
    if (typeof location !== "string") {
      init = location;
      location = location.location ?? "";
    }
    if (!location || /[\r\n\0]/.test(location)) {
      throw new GeneralException(
        "Invalid redirect location: it must be non-empty, without CR, LF or NUL",
      );
    }
    const status = init.status_code ?? 302;
    if (!REDIRECT_CODES.has(status)) {
      throw new GeneralException(
        `Invalid redirect status_code ${status}: expected 301, 302, 303, 307 or 308`,
      );
    }
    super(null, { ...init, status_code: status });
    this.headers.set("location", location);
  }
}
