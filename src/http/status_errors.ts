/**
 * One network exception per common status (400, 401, 403, 404, 405, 413,
 * 500, 503, and 403 for CSRF), each with the original's message and a
 * default description.
 *
 * @module
 */

import { SpiderwebNetworkException } from "./network_errors.ts";

/**
 * 400: the request could not be understood.
 *
 * @example Answering 400 from a view
 * ```ts
 * import { BadRequest, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/x", () => {
 *   throw new BadRequest();
 * });
 * const response = await app.fetch(new Request("http://localhost/x"));
 * console.assert(response.status === 400);
 * ```
 */
export class BadRequest extends SpiderwebNetworkException {
  /**
   * Creates the exception.
   *
   * @param desc replaces the default description
   */
  constructor(
    desc: string = "The request could not be understood by the server",
  ) {
    super(400, "Bad Request", desc);
  }
}

/**
 * 401: the request requires authentication.
 *
 * @example Answering 401 from a view
 * ```ts
 * import { Unauthorized, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/x", () => {
 *   throw new Unauthorized();
 * });
 * const response = await app.fetch(new Request("http://localhost/x"));
 * console.assert(response.status === 401);
 * ```
 */
export class Unauthorized extends SpiderwebNetworkException {
  /**
   * Creates the exception.
   *
   * @param desc replaces the default description
   */
  constructor(desc: string = "The request requires user authentication") {
    super(401, "Unauthorized", desc);
  }
}

/**
 * 403: the visitor may not access the resource.
 *
 * @example Answering 403 from a view
 * ```ts
 * import { Forbidden, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/x", () => {
 *   throw new Forbidden();
 * });
 * const response = await app.fetch(new Request("http://localhost/x"));
 * console.assert(response.status === 403);
 * ```
 */
export class Forbidden extends SpiderwebNetworkException {
  /**
   * Creates the exception.
   *
   * @param desc replaces the default description
   */
  constructor(desc: string = "You are not allowed to access this resource") {
    super(403, "Forbidden", desc);
  }
}

/**
 * 404: nothing is there.
 *
 * @example Answering 404 from a view
 * ```ts
 * import { NotFound, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/x", () => {
 *   throw new NotFound();
 * });
 * const response = await app.fetch(new Request("http://localhost/x"));
 * console.assert(response.status === 404);
 * ```
 */
export class NotFound extends SpiderwebNetworkException {
  /**
   * Creates the exception.
   *
   * @param desc replaces the default description
   */
  constructor(desc: string = "The requested resource could not be found") {
    super(404, "Not Found", desc);
  }
}

/**
 * 405: the endpoint does not accept the method.
 *
 * @example Answering 405 from a view
 * ```ts
 * import { MethodNotAllowed, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/x", () => {
 *   throw new MethodNotAllowed();
 * });
 * const response = await app.fetch(new Request("http://localhost/x"));
 * console.assert(response.status === 405);
 * ```
 */
export class MethodNotAllowed extends SpiderwebNetworkException {
  /**
   * Creates the exception.
   *
   * @param desc replaces the default description
   */
  constructor(
    desc: string =
      "The requested endpoint does not accept the requested method.",
  ) {
    super(405, "Method Not Allowed", desc);
  }
}

/**
 * 413: the request body is larger than `max_request_body_size`.
 *
 * @example Answering 413 from a view
 * ```ts
 * import { PayloadTooLarge, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/x", () => {
 *   throw new PayloadTooLarge();
 * });
 * const response = await app.fetch(new Request("http://localhost/x"));
 * console.assert(response.status === 413);
 * ```
 */
export class PayloadTooLarge extends SpiderwebNetworkException {
  /**
   * Creates the exception.
   *
   * @param desc replaces the default description
   */
  constructor(desc: string = "Request body too large") {
    super(413, "Payload Too Large", desc);
    // The rest of the body was not read: the connection cannot be reused.
    this.headers.connection = "close";
  }
}

/**
 * 500: the server failed.
 *
 * @example Answering 500 from a view
 * ```ts
 * import { ServerError, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/x", () => {
 *   throw new ServerError();
 * });
 * const response = await app.fetch(new Request("http://localhost/x"));
 * console.assert(response.status === 500);
 * ```
 */
export class ServerError extends SpiderwebNetworkException {
  /**
   * Creates the exception.
   *
   * @param desc replaces the default description
   */
  constructor(desc: string = "The server has encountered an error") {
    super(500, "Internal Server Error", desc);
  }
}

/**
 * 403: the CSRF token is missing or invalid.
 *
 * @example Answering 403 from a view
 * ```ts
 * import { CSRFError, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/x", () => {
 *   throw new CSRFError();
 * });
 * const response = await app.fetch(new Request("http://localhost/x"));
 * console.assert(response.status === 403);
 * ```
 */
export class CSRFError extends SpiderwebNetworkException {
  /**
   * Creates the exception.
   *
   * @param desc replaces the default description
   */
  constructor(desc: string = "CSRF token is invalid") {
    super(403, "Forbidden", desc);
  }
}

/**
 * 503: a session store or other backend cannot be reached.
 *
 * @example Answering 503 from a view
 * ```ts
 * import { ServiceUnavailable, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/x", () => {
 *   throw new ServiceUnavailable();
 * });
 * const response = await app.fetch(new Request("http://localhost/x"));
 * console.assert(response.status === 503);
 * ```
 */
export class ServiceUnavailable extends SpiderwebNetworkException {
  /**
   * Creates the exception.
   *
   * @param desc replaces the default description
   */
  constructor(desc: string = "The service is temporarily unavailable") {
    super(503, "Service Unavailable", desc);
  }
}

/**
 * A 503 for a passing condition (a locked database, a spent body budget, a
 * failing disk): `Retry-After` when given, and the underlying error as its
 * `cause`, which goes to the log and never to the client.
 *
 * @example
 * ```ts
 * import { unavailable } from "./status_errors.ts";
 * const error = unavailable("Busy; try again shortly", { retryAfter: 1 });
 * console.assert(error.status === 503 && error.headers["retry-after"] === "1");
 * ```
 *
 * @param message the description the client sees
 * @param options seconds for `Retry-After`, and the cause
 * @returns the exception
 */
export function unavailable(
  message: string,
  options: { retryAfter?: number; cause?: unknown } = {},
): ServiceUnavailable {
  const error = new ServiceUnavailable(message);
  if (options.retryAfter !== undefined) {
    error.headers["retry-after"] = String(options.retryAfter);
  }
  if ("cause" in options) (error as { cause?: unknown }).cause = options.cause;
  return error;
}
