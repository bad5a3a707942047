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
  /**
   * Creates the exception.
   *
   * @param message what went wrong
   */
  constructor(message = "") {
    super(message);
    this.name = new.target.name;
  }

  /**
   * The exception as the original prints it.
   *
   * @returns `Name() - message`, or `Name()` without a message
   */
  override toString(): string {
    return this.message ? `${this.name}() - ${this.message}` : `${this.name}()`;
  }
}

/**
 * Invalid router options, routes or middleware, raised at construction.
 * A `StartupErrors` made only of configuration errors is one too, so
 * `instanceof ConfigError` holds whether one check failed or several.
 *
 * @example A duplicate route
 * ```ts
 * import { ConfigError, SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.addRoute("/a", () => ({}));
 * let error: unknown;
 * try {
 *   app.addRoute("/a", () => ({}));
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof ConfigError);
 * ```
 */
export class ConfigError extends SpiderwebException {
  /**
   * `instanceof` that is also true for a `StartupErrors` whose errors are
   * all `ConfigError`s.
   *
   * @param value the value to test
   * @returns whether it is a configuration error
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === ConfigError && value instanceof StartupErrors) {
      return value.errors.length > 0
        && value.errors.every((error) => error instanceof ConfigError);
    }
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}
/**
 * A route path that cannot be parsed, such as an unknown converter.
 *
 * @example
 * ```ts
 * import { ParseError, SpiderwebRouter } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter().addRoute("/<nope:x>", () => ({}));
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof ParseError);
 * ```
 */
export class ParseError extends SpiderwebException {}
/**
 * A misuse of the API, such as an invalid cookie name.
 *
 * @example
 * ```ts
 * import { GeneralException, HttpResponse } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new HttpResponse("").setCookie("a;b", "v");
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof GeneralException);
 * ```
 */
export class GeneralException extends SpiderwebException {}
/**
 * Thrown by a middleware hook to remove that middleware for good.
 *
 * @example
 * ```ts
 * import { SpiderwebMiddleware, SpiderwebRouter, UnusedMiddleware } from "../../mod.ts";
 * class OnlyOnce extends SpiderwebMiddleware {
 *   override processRequest() {
 *     throw new UnusedMiddleware();
 *   }
 * }
 * const app = new SpiderwebRouter({ middleware: [OnlyOnce] });
 * app.route("/", () => ({}));
 * await app.fetch(new Request("http://localhost/"));
 * console.assert(app.middleware.length === 0);
 * ```
 */
export class UnusedMiddleware extends SpiderwebException {}
/**
 * A view returned nothing (or something that is not a response).
 *
 * @example
 * ```ts
 * import { NoResponseError } from "../../mod.ts";
 * const error = new NoResponseError("View v returned undefined");
 * console.assert(error.toString() === "NoResponseError() - View v returned undefined");
 * ```
 */
export class NoResponseError extends SpiderwebException {}
/**
 * `reverse()` found no route with the given name.
 *
 * @example
 * ```ts
 * import { ReverseNotFound, SpiderwebRouter } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter().reverse("missing");
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof ReverseNotFound);
 * ```
 */
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
  /**
   * Collects the errors under the original's message.
   *
   * @param errors every failure
   * @param message the summary
   */
  constructor(
    errors: Iterable<unknown>,
    message = "Problems were identified during startup \u2014 cannot continue.",
  ) {
    super(errors, message);
    this.name = "StartupErrors";
  }
}
