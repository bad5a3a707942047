/**
 * The built-in middleware by spiderweb's dotted names.
 *
 * @module
 */

import { ConfigError } from "../http/errors.ts";
import type { MiddlewareClass } from "../core/middleware.ts";
import { CorsMiddleware } from "./cors.ts";
import { CSRFMiddleware } from "./csrf.ts";
import { GzipMiddleware } from "./gzip.ts";
import { SessionMiddleware } from "../sessions/session_middleware.ts";
import { ValidationMiddleware } from "./validation.ts";

const BUILTIN: ReadonlyMap<string, MiddlewareClass> = new Map<
  string,
  MiddlewareClass
>([
  ["spiderweb.middleware.sessions.SessionMiddleware", SessionMiddleware],
  ["spiderweb.middleware.csrf.CSRFMiddleware", CSRFMiddleware],
  ["spiderweb.middleware.cors.CorsMiddleware", CorsMiddleware],
  ["spiderweb.middleware.gzip.GzipMiddleware", GzipMiddleware],
  [
    "spiderweb.middleware.validation.ValidationMiddleware",
    ValidationMiddleware,
  ],
  // The original's pydantic middleware maps to Standard Schema validation.
  ["spiderweb.middleware.pydantic.PydanticMiddleware", ValidationMiddleware],
]);

/**
 * A middleware class from a class or a dotted name.
 *
 * @throws ConfigError naming an unknown dotted name
 */
export function resolveMiddleware(
  middleware: string | MiddlewareClass,
): MiddlewareClass {
  if (typeof middleware !== "string") return middleware;
  const cls = BUILTIN.get(middleware);
  if (!cls) throw new ConfigError(`Middleware '${middleware}' not found.`);
  return cls;
}
