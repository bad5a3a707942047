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
export type { Command } from "./src/router.ts";
export type { App } from "./src/core/app.ts";
export type { AppBase, AppWiring } from "./src/core/app_base.ts";
export type { AppRoutes } from "./src/core/app_routes.ts";
export type { SpiderwebRouterOptions } from "./src/router.ts";
export type {
  CoreOptions,
  LifecycleHook,
  RouteSpec,
} from "./src/core/app_options.ts";
export type { SessionOptions } from "./src/sessions/session_settings.ts";
export type { CsrfOptions } from "./src/middleware/csrf_checks.ts";
export type { CorsOptions } from "./src/middleware/cors_settings.ts";
export type { GzipOptions } from "./src/middleware/gzip.ts";
export type { FileOptions } from "./src/files/static_files.ts";
export type { TemplateOptions } from "./src/templates/template_response.ts";
export {
  DEFAULT_ALLOWED_METHODS,
  DEFAULT_ENCODING,
  DEFAULT_MAX_BODY,
} from "./src/core/app_options.ts";
export type {
  AnyView,
  RouteOptions,
  RouteRegistrar,
  ViewFor,
} from "./src/core/route_options.ts";
export type {
  Route,
  RouteInfo,
  RouteMatch,
} from "./src/routing/route_table.ts";
export type { HostPattern } from "./src/http/allowed_hosts.ts";
export { RouteGroup } from "./src/core/route_group.ts";
export type {
  GroupedRoute,
  RouteGroupOptions,
} from "./src/core/route_group.ts";
export type {
  Converter,
  ConverterClass,
  ParamValue,
  PathParam,
  PathParams,
  RoutePattern,
} from "./src/routing/route_pattern.ts";
export type { SegmentPart } from "./src/routing/segment_match.ts";
export { View } from "./src/core/view.ts";
export type { ViewFunction, ViewResult } from "./src/core/view.ts";
export { SpiderwebRequest } from "./src/core/request.ts";
export type {
  CsrfTokenSource,
  RequestContext,
  SessionControl,
} from "./src/core/request_services.ts";
export { FileDict, QueryDict } from "./src/http/multi_dict.ts";
export { HttpResponse } from "./src/core/response.ts";
export { JsonResponse } from "./src/core/json_response.ts";
export { RedirectResponse } from "./src/core/redirect_response.ts";
export type {
  HttpResponseInit,
  ResponseBody,
  ResponseInit,
} from "./src/core/response.ts";
export type { RedirectInit } from "./src/core/redirect_response.ts";
export type { CookieOptions } from "./src/http/cookie.ts";
export { FileResponse } from "./src/files/file_response.ts";
export type { FileResponseInit } from "./src/files/file_response.ts";
export { MediaFile } from "./src/core/media_file.ts";
export { TemplateResponse } from "./src/templates/template_response.ts";
export type { TemplateResponseInit } from "./src/templates/template_response.ts";
export { ServerCheck, SpiderwebMiddleware } from "./src/core/middleware.ts";
export type {
  MaybePromise,
  MiddlewareClass,
  ServerCheckClass,
} from "./src/core/middleware.ts";
export type { ErrorView } from "./src/core/error_views.ts";
export type { Logger } from "./src/core/logger.ts";
export type { RunningServer, StartOptions } from "./src/core/start.ts";
export type {
  Database,
  ResponseParts,
  Row,
  RunResult,
  SqlValue,
  Statement,
} from "./src/runtime/runtime.ts";
export { AnonymousUser } from "./src/auth/anonymous_user.ts";
export { User } from "./src/auth/user.ts";
export type { UserFields } from "./src/auth/user_table.ts";
export { createUser, getUser, getUserByUsername } from "./src/auth/users.ts";
export type { NewUser } from "./src/auth/users.ts";
export { authenticate, login, logout, logoutAll } from "./src/auth/login.ts";
export type { Credentials } from "./src/auth/login.ts";
export {
  checkPassword,
  makePassword,
  PBKDF2_ITERATIONS,
} from "./src/auth/password.ts";
export { SessionMiddleware } from "./src/sessions/session_middleware.ts";
export { csrfExempt, CSRFMiddleware } from "./src/middleware/csrf.ts";
export {
  CheckForSessionMiddleware,
  VerifyCorrectFormatForTrustedOrigins,
  VerifyCorrectMiddlewarePlacement,
} from "./src/middleware/csrf_checks.ts";
export type { OriginPattern } from "./src/http/trusted_origins.ts";
export { CorsMiddleware } from "./src/middleware/cors.ts";
export {
  DEFAULT_CORS_HEADERS,
  DEFAULT_CORS_METHODS,
  VerifyValidCorsSetting,
} from "./src/middleware/cors_settings.ts";
export type { CorsSettings } from "./src/middleware/cors_settings.ts";
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
export type { SessionSettings } from "./src/sessions/session_settings.ts";
export {
  CheckSessionAges,
  CheckSessionCookieName,
  CheckSessionCookiePathAndDomain,
  CheckSessionCookieSameSite,
} from "./src/sessions/session_settings.ts";
export type {
  SessionChanges,
  SessionMeta,
  SessionRecord,
  SessionStore,
} from "./src/sessions/session_store.ts";
export { SqliteSessionStore } from "./src/sessions/stores/sqlite_session_store.ts";
export { RedisSessionStore } from "./src/sessions/stores/redis_session_store.ts";
export type {
  RedisClient,
  RedisSessionStoreOptions,
} from "./src/sessions/stores/redis_session_store.ts";
export { PostgresSessionStore } from "./src/sessions/stores/postgres_session_store.ts";
export type {
  PostgresClient,
  PostgresSessionStoreOptions,
} from "./src/sessions/stores/postgres_session_store.ts";
export type { SqliteSessionStoreOptions } from "./src/sessions/stores/sqlite_session_store.ts";
export { TestClient } from "./src/testing/test_client.ts";
export type {
  TestClientOptions,
  TestRequestInit,
} from "./src/testing/test_client.ts";
export {
  ConfigError,
  GeneralException,
  NoResponseError,
  ParseError,
  ReverseNotFound,
  SpiderwebException,
  StartupErrors,
  UnusedMiddleware,
} from "./src/http/errors.ts";
export {
  APIError,
  SpiderwebNetworkException,
} from "./src/http/network_errors.ts";
export {
  BadRequest,
  CSRFError,
  Forbidden,
  MethodNotAllowed,
  NotFound,
  PayloadTooLarge,
  ServerError,
  ServiceUnavailable,
  Unauthorized,
} from "./src/http/status_errors.ts";

export { VERSION } from "./src/core/version.ts";
export { isMain } from "./src/runtime/main_module.ts";
