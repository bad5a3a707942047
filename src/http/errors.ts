/**
 * The framework's exceptions: configuration errors raised at construction,
 * and network exceptions that a view or middleware throws to answer with an
 * HTTP status.
 *
 * @module
 */

/**
 * Base class of every error the framework raises; prints as `Name() - msg`.
 *
 * @example Catching any framework error
 * ```ts
 * import { ConfigError, SpiderwebException } from "../../mod.ts";
 * const error = new ConfigError("Route '/a' already exists.");
 * console.assert(error instanceof SpiderwebException);
 * ```
 */
export class SpiderwebException extends Error {
  /** Creates the exception with its message. */
  constructor(message = "") {
    super(message);
    this.name = new.target.name;
  }

  /** `Name() - message`, as the original prints it. */
  override toString(): string {
    return `${this.name}() - ${this.message}`;
  }
}

/**
 * Invalid router options, routes or middleware, raised at construction.
 * A `StartupErrors` made only of configuration errors is one too, so
 * `instanceof ConfigError` holds whether one check failed or several.
 */
export class ConfigError extends SpiderwebException {
  /** Also true for a `StartupErrors` whose errors are all `ConfigError`s. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === ConfigError && value instanceof StartupErrors) {
      return value.errors.length > 0
        && value.errors.every((error) => error instanceof ConfigError);
    }
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}
/** A route path that cannot be parsed, such as an unknown converter. */
export class ParseError extends SpiderwebException {}
/** A misuse of the API, such as an invalid cookie name. */
export class GeneralException extends SpiderwebException {}
/** Thrown by a middleware hook to remove that middleware for good. */
export class UnusedMiddleware extends SpiderwebException {}
/** A view returned nothing (or something that is not a response). */
export class NoResponseError extends SpiderwebException {}
/** `reverse()` found no route with the given name. */
export class ReverseNotFound extends SpiderwebException {}

/**
 * Several startup checks failed; `errors` holds every one of them.
 *
 * @example Reading the failures
 * ```ts
 * import { ConfigError, StartupErrors } from "../../mod.ts";
 * const errors = new StartupErrors([new ConfigError("bad")]);
 * console.assert(errors.errors.length === 1);
 * ```
 */
export class StartupErrors extends AggregateError {
  /** Collects the errors under the original's message. */
  constructor(
    errors: Iterable<unknown>,
    message = "Problems were identified during startup \u2014 cannot continue.",
  ) {
    super(errors, message);
    this.name = "StartupErrors";
  }
}

/**
 * An exception that answers the request with its own HTTP status `code`.
 *
 * @example Answering 409 from a view
 * ```ts
 * import { APIError } from "../../mod.ts";
 * const error = new APIError(409, "Conflict", "The name is taken");
 * console.assert(error.code === 409);
 * ```
 */
export class SpiderwebNetworkException extends Error {
  /** The HTTP status; anything but an integer in 400..599 answers 500. */
  readonly code: number | string;
  /** The short message, shown as `Msg:`. */
  readonly msg: string;
  /** The longer description, shown as `Desc:`. */
  readonly desc: string;

  /** Creates the exception from its code, message and description. */
  constructor(code: number | string, msg = "", desc = "") {
    super(desc || msg || String(code));
    this.name = new.target.name;
    this.code = code;
    this.msg = msg;
    this.desc = desc;
  }

  /** The HTTP status this exception answers with. */
  get status(): number {
    const code = this.code;
    return typeof code === "number" && Number.isInteger(code)
        && code >= 400 && code <= 599
      ? code
      : 500;
  }

  /** `Name(code, msg)`, as the original prints it. */
  override toString(): string {
    return `${this.name}(${this.code}, ${this.msg})`;
  }
}

/** An error with a status, message and description of your choosing. */
export class APIError extends SpiderwebNetworkException {}

/** 400: the request could not be understood. */
export class BadRequest extends SpiderwebNetworkException {
  /** Creates the exception; `desc` replaces the default description. */
  constructor(
    desc: string = "The request could not be understood by the server",
  ) {
    super(400, "Bad Request", desc);
  }
}

/** 401: the request requires authentication. */
export class Unauthorized extends SpiderwebNetworkException {
  /** Creates the exception; `desc` replaces the default description. */
  constructor(desc: string = "The request requires user authentication") {
    super(401, "Unauthorized", desc);
  }
}

/** 403: the visitor may not access the resource. */
export class Forbidden extends SpiderwebNetworkException {
  /** Creates the exception; `desc` replaces the default description. */
  constructor(desc: string = "You are not allowed to access this resource") {
    super(403, "Forbidden", desc);
  }
}

/** 404: nothing is there. */
export class NotFound extends SpiderwebNetworkException {
  /** Creates the exception; `desc` replaces the default description. */
  constructor(desc: string = "The requested resource could not be found") {
    super(404, "Not Found", desc);
  }
}

/** 405: the endpoint does not accept the method. */
export class MethodNotAllowed extends SpiderwebNetworkException {
  /** Creates the exception; `desc` replaces the default description. */
  constructor(
    desc: string =
      "The requested endpoint does not accept the requested method.",
  ) {
    super(405, "Method Not Allowed", desc);
  }
}

/** 413: the request body is larger than `max_request_body_size`. */
export class PayloadTooLarge extends SpiderwebNetworkException {
  /** Creates the exception; `desc` replaces the default description. */
  constructor(desc: string = "Request body too large") {
    super(413, "Payload Too Large", desc);
  }
}

/** 500: the server failed. */
export class ServerError extends SpiderwebNetworkException {
  /** Creates the exception; `desc` replaces the default description. */
  constructor(desc: string = "The server has encountered an error") {
    super(500, "Internal Server Error", desc);
  }
}

/** 403: the CSRF token is missing or invalid. */
export class CSRFError extends SpiderwebNetworkException {
  /** Creates the exception; `desc` replaces the default description. */
  constructor(desc: string = "CSRF token is invalid") {
    super(403, "Forbidden", desc);
  }
}

/** 503: a session store or other backend cannot be reached. */
export class ServiceUnavailable extends SpiderwebNetworkException {
  /** Creates the exception; `desc` replaces the default description. */
  constructor(desc: string = "The service is temporarily unavailable") {
    super(503, "Service Unavailable", desc);
  }
}
