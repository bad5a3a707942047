/**
 * `SpiderwebMiddleware`, the base of every middleware, and `ServerCheck`,
 * the startup checks a middleware declares.
 *
 * @module
 */

import type { SpiderwebRequest } from "./request.ts";
import type { HttpResponse, ResponseBody } from "./response.ts";
import { StartupErrors } from "../http/errors.ts";
import type { App } from "./app.ts";

/** A value or a promise of it: every hook may be sync or async. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A startup check: `check()` returns (or throws) an error when the app is
 * misconfigured. Every failure is reported together as `StartupErrors`.
 *
 * @example A check that needs a secret key
 * ```ts
 * import { ConfigError, ServerCheck } from "../../mod.ts";
 * class NeedsSecret extends ServerCheck {
 *   override check() {
 *     if (!this.server.secret_key) return new ConfigError("Set secret_key");
 *   }
 * }
 * console.assert(typeof NeedsSecret === "function");
 * ```
 */
export class ServerCheck {
  /** The app being checked. */
  readonly server: App;

  /**
   * Creates the check for an app.
   *
   * @param server the app being checked
   */
  constructor(server: App) {
    this.server = server;
  }

  /**
   * Checks the configuration.
   *
   * @returns an error when it is invalid, else nothing
   */
  check(): Error | undefined | void {
    return undefined;
  }
}

/** A `ServerCheck` subclass. */
export type ServerCheckClass = new(server: App) => ServerCheck;

/**
 * The base class of middleware. Every hook is optional and may be async.
 * Request hooks run top to bottom and a returned response short-circuits;
 * response and post-process hooks run bottom to top, once per response.
 *
 * @example A middleware that adds a header
 * ```ts
 * import { HttpResponse, SpiderwebMiddleware, SpiderwebRouter } from "../../mod.ts";
 * import type { SpiderwebRequest } from "../../mod.ts";
 * class PoweredBy extends SpiderwebMiddleware {
 *   override processResponse(_request: SpiderwebRequest, response: HttpResponse) {
 *     response.headers.set("x-powered-by", "spiderweb");
 *   }
 * }
 * const app = new SpiderwebRouter({ middleware: [PoweredBy] });
 * app.route("/", () => new HttpResponse("hi"));
 * const response = await app.fetch(new Request("http://localhost/"));
 * console.assert(response.headers.get("x-powered-by") === "spiderweb");
 * ```
 */
export class SpiderwebMiddleware {
  /** Startup checks run when the router is constructed. */
  static checks: ServerCheckClass[] = [];
  /** The app this middleware belongs to. */
  readonly server: App;

  /**
   * Creates the middleware for an app (once, at construction).
   *
   * @param server the app; its options hold the middleware's settings
   */
  constructor(server: App) {
    this.server = server;
  }

  /**
   * Runs before the view, outermost middleware first.
   *
   * @param request the request
   * @returns a response to short-circuit with, or nothing to go on
   */
  processRequest?(
    request: SpiderwebRequest,
  ): MaybePromise<HttpResponse | null | undefined | void>;

  /**
   * Runs after the view on every response, innermost middleware first.
   *
   * @param request the request
   * @param response the response, to edit in place
   */
  processResponse?(
    request: SpiderwebRequest,
    response: HttpResponse,
  ): MaybePromise<void>;

  /**
   * Runs after rendering: receives the body and returns it (or a new one);
   * may edit headers.
   *
   * @param request the request
   * @param response the response
   * @param body the rendered body
   * @returns the body to send
   */
  postProcess?(
    request: SpiderwebRequest,
    response: HttpResponse,
    body: ResponseBody | null,
  ): MaybePromise<ResponseBody | null>;

  /**
   * Handles a non-network error from a request hook or the view.
   *
   * @param request the request
   * @param error what was thrown
   * @returns a response to answer with, or nothing for the 500 view
   */
  onError?(
    request: SpiderwebRequest,
    error: unknown,
  ): MaybePromise<HttpResponse | null | undefined | void>;
}

/** A `SpiderwebMiddleware` subclass. */
export type MiddlewareClass =
  & (new(server: App) => SpiderwebMiddleware)
  & {
    checks?: ServerCheckClass[];
  };

/**
 * Runs every check the middleware classes declare (each class once) and
 * reports all failures together.
 *
 * @param app the app being checked
 * @param classes the middleware classes, in order
 * @throws StartupErrors holding every failed check
 */
export function runStartupChecks(
  app: App,
  classes: readonly MiddlewareClass[],
): void {
  const errors: unknown[] = [];
  for (const cls of new Set(classes)) {
    for (const Check of cls.checks ?? []) {
      try {
        const error = new Check(app).check();
        // A check that found several problems reports each of them.
        if (error instanceof StartupErrors) errors.push(...error.errors);
        else if (error) errors.push(error);
      } catch (error) {
        errors.push(error);
      }
    }
  }
  if (errors.length) throw new StartupErrors(errors);
}
