/**
 * Spiderweb for Deno, Bun and Node: a small Django/Flask-style web framework
 * with path converters, route groups, class-based views, middleware, and
 * sessions persisted in SQLite.
 *
 * @example Hello, world
 * ```ts
 * import { HttpResponse, SpiderwebRouter } from "./mod.ts";
 *
 * const app = new SpiderwebRouter();
 * app.route("/", () => new HttpResponse("Hello, world"));
 *
 * const response = await app.fetch(new Request("http://localhost/"));
 * console.assert(await response.text() === "Hello, world");
 * // Serve it with: await app.start();
 * ```
 *
 * @module
 */

export { SpiderwebRouter } from "./src/router.ts";
export type { SessionMaintenance } from "./src/router.ts";
export type {
  LifecycleHook,
  RouteSpec,
  SpiderwebRouterOptions,
} from "./src/router_options.ts";
export {
  DEFAULT_ALLOWED_METHODS,
  DEFAULT_ENCODING,
  DEFAULT_MAX_BODY,
} from "./src/router_options.ts";
export type {
  AnyView,
  RouteOptions,
  RouteRegistrar,
  ViewFor,
} from "./src/route_options.ts";
export type { Route, RouteMatch } from "./src/route_table.ts";
export type { HostPattern } from "./src/allowed_hosts.ts";
export { RouteGroup } from "./src/route_group.ts";
export type { GroupedRoute, RouteGroupOptions } from "./src/route_group.ts";
export type {
  Converter,
  ConverterClass,
  ParamValue,
  PathParam,
  PathParams,
  RoutePattern,
} from "./src/route_pattern.ts";
export { View } from "./src/view.ts";
export type { ViewFunction, ViewResult } from "./src/view.ts";
export { SpiderwebRequest } from "./src/request.ts";
export type {
  RequestContext,
  RouteInfo,
  SessionControl,
} from "./src/request.ts";
export { FileDict, QueryDict } from "./src/multi_dict.ts";
export {
  HttpResponse,
  JsonResponse,
  RedirectResponse,
} from "./src/response.ts";
export type {
  HttpResponseInit,
  RedirectInit,
  ResponseBody,
  ResponseInit,
} from "./src/response.ts";
export type { CookieOptions } from "./src/cookie.ts";
export { FileResponse } from "./src/file_response.ts";
export type { FileResponseInit } from "./src/file_response.ts";
export { MediaFile } from "./src/media_file.ts";
export { TemplateResponse } from "./src/template_response.ts";
export type { TemplateResponseInit } from "./src/template_response.ts";
export {
  ServerCheck,
  SpiderwebMiddleware,
} from "./src/spiderweb_middleware.ts";
export type {
  MaybePromise,
  MiddlewareClass,
  ServerCheckClass,
} from "./src/spiderweb_middleware.ts";
export type { ErrorView } from "./src/error_views.ts";
export type { Logger } from "./src/logger.ts";
export type { RunningServer, StartOptions } from "./src/start.ts";
export type {
  Database,
  ResponseParts,
  Row,
  RunResult,
  SqlValue,
  Statement,
} from "./src/runtime/runtime.ts";
export {
  AnonymousUser,
  createUser,
  getUser,
  getUserByUsername,
  User,
} from "./src/user.ts";
export type { NewUser, UserFields } from "./src/user.ts";
export { authenticate, login, logout, logoutAll } from "./src/auth.ts";
export type { Credentials } from "./src/auth.ts";
export {
  checkPassword,
  makePassword,
  PBKDF2_ITERATIONS,
} from "./src/password.ts";
export { SessionMiddleware } from "./src/middleware/session.ts";
export {
  CheckForSessionMiddleware,
  csrfExempt,
  CSRFMiddleware,
  VerifyCorrectFormatForTrustedOrigins,
  VerifyCorrectMiddlewarePlacement,
} from "./src/middleware/csrf.ts";
export type { OriginPattern } from "./src/trusted_origins.ts";
export {
  CorsMiddleware,
  DEFAULT_CORS_HEADERS,
  DEFAULT_CORS_METHODS,
  VerifyValidCorsSetting,
} from "./src/middleware/cors.ts";
export type { CorsSettings } from "./src/middleware/cors.ts";
export {
  CheckValidGzipCompressionLevel,
  CheckValidGzipMinimumLength,
  GzipMiddleware,
} from "./src/middleware/gzip.ts";
export {
  CheckRouteSchemas,
  ValidationMiddleware,
} from "./src/middleware/validation.ts";
export type {
  StandardIssue,
  StandardSchema,
} from "./src/middleware/validation.ts";
export type { SessionSettings } from "./src/middleware/_session_settings.ts";
export {
  CheckSessionAges,
  CheckSessionCookieName,
  CheckSessionCookiePathAndDomain,
  CheckSessionCookieSameSite,
} from "./src/middleware/_session_settings.ts";
export type {
  SessionChanges,
  SessionMeta,
  SessionRecord,
  SessionStore,
} from "./src/session_store.ts";
export { SqliteSessionStore } from "./src/sqlite_session_store.ts";
export { RedisSessionStore } from "./src/redis_session_store.ts";
export type {
  RedisClient,
  RedisSessionStoreOptions,
} from "./src/redis_session_store.ts";
export { PostgresSessionStore } from "./src/postgres_session_store.ts";
export type {
  PostgresClient,
  PostgresSessionStoreOptions,
} from "./src/postgres_session_store.ts";
export type { SqliteSessionStoreOptions } from "./src/sqlite_session_store.ts";
export { TestClient } from "./src/test_client.ts";
export type { TestClientOptions, TestRequestInit } from "./src/test_client.ts";
export {
  APIError,
  BadRequest,
  ConfigError,
  CSRFError,
  Forbidden,
  GeneralException,
  MethodNotAllowed,
  NoResponseError,
  NotFound,
  ParseError,
  PayloadTooLarge,
  ReverseNotFound,
  ServerError,
  ServiceUnavailable,
  SpiderwebException,
  SpiderwebNetworkException,
  StartupErrors,
  Unauthorized,
  UnusedMiddleware,
} from "./src/errors.ts";

export { VERSION } from "./src/version.ts";
