/**
 * `App`: what requests, middleware and startup checks see of the
 * application. `SpiderwebRouter` is the one implementation users build; this
 * interface lets the layers below the router name it without importing it.
 *
 * @module
 */

import type { RouteInfo } from "../routing/route_table.ts";
import type { Database } from "../runtime/runtime.ts";
import type { Logger } from "./logger.ts";

/**
 * The application as `request.server`, `middleware.server` and
 * `check.server` see it.
 *
 * @example Reading a setting in a view
 * ```ts
 * import { SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ extra_data: { greeting: "hi" } });
 * app.route("/", (request) => ({ greeting: request.server.extra_data.greeting }));
 * const response = await app.fetch(new Request("http://localhost/"));
 * console.assert((await response.json()).greeting === "hi");
 * ```
 */
export interface App {
  /** The options as given (snake_case keys, as in spiderweb). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Options the framework does not know, for your own use. */
  readonly extra_data: Record<string, unknown>;
  /** The address `start()` binds. */
  readonly hostname: string;
  /** The port `start()` binds. */
  readonly port: number;
  /** Development mode. */
  readonly debug: boolean;
  /** Serve routes at their `/`-terminated form. */
  readonly append_slash: boolean;
  /** The body size limit in bytes, or null. */
  readonly max_request_body_size: number | null;
  /** The secret key, when one was given. */
  readonly secret_key: string | undefined;
  /** The logger. */
  readonly log: Logger;
  /** The middleware instances, outermost first. */
  readonly middleware: readonly object[];
  /** Every route in registration order. */
  readonly routes: readonly RouteInfo[];
  /** The app's SQLite database, opened on first use. */
  readonly db: Database;
  /**
   * The Fetch-API handler: a standard `Request` in, a `Response` out.
   *
   * @param request the request
   * @param info what the server knows of the connection
   * @returns the response
   */
  readonly fetch: (request: Request, info?: unknown) => Promise<Response>;
  /**
   * The URL of a named route.
   *
   * @param name the route's name (`namespace:name` in groups)
   * @param data the path values
   * @param query the query string values
   * @returns the path, with the query string when one is given
   */
  reverse(
    name: string,
    data?: Record<string, unknown>,
    query?: Record<string, unknown>,
  ): string;
}
