/**
 * The request log: one line per request that reaches the app from a socket,
 * as Django's runserver, Flask and Hono's `logger()` print,
 * `GET /user/42?q=a 200 0.41ms`.
 *
 * @module
 */

import { splitTarget } from "../http/request_target.ts";
import type { ResponseParts } from "../runtime/runtime.ts";
import type { Logger } from "./logger.ts";

/**
 * Wraps a handler so that every answered request is logged at info level.
 *
 * @example
 * ```ts
 * import { withRequestLog } from "./request_log.ts";
 * const lines: string[] = [];
 * const log = { debug() {}, info: (line: string) => lines.push(line), warn() {}, error() {} };
 * const handler = withRequestLog(log, () => Promise.resolve({ status: 200, headers: {}, body: null }));
 * await handler(new Request("http://x/user/42?q=a"), {});
 * console.assert(/^GET \/user\/42\?q=a 200 \d+\.\d{2}ms$/.test(lines[0]));
 * ```
 *
 * @param log where the lines go
 * @param handler answers a request with response parts
 * @returns the same handler, logging
 */
export function withRequestLog<Info>(
  log: Logger,
  handler: (request: Request, info: Info) => Promise<ResponseParts>,
): (request: Request, info: Info) => Promise<ResponseParts> {
  return async (request, info) => {
    const started = performance.now();
    const parts = await handler(request, info);
    const { rawPath, queryString } = splitTarget(request.url);
    const target = queryString ? `${rawPath}?${queryString}` : rawPath;
    const ms = (performance.now() - started).toFixed(2);
    log.info(`${request.method} ${target} ${parts.status} ${ms}ms`);
    return parts;
  };
}
