/**
 * `ValidationMiddleware`: validates request bodies against a route's
 * Standard Schema (zod, valibot, arktype…), the counterpart of spiderweb's
 * pydantic middleware, without depending on any schema library.
 *
 * @module
 */

import { ConfigError } from "../http/errors.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import type { HttpResponse } from "../core/response.ts";
import { JsonResponse } from "../core/json_response.ts";
import { ServerCheck, SpiderwebMiddleware } from "../core/middleware.ts";

/** One problem a schema reports. */
export interface StandardIssue {
  /** What is wrong. */
  readonly message: string;
  /** Where: keys, or `{ key }` segments. */
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
}

/** The Standard Schema v1 interface (`@standard-schema/spec`). */
export interface StandardSchema<Output = unknown> {
  /** The standard properties. */
  readonly "~standard": {
    /** Always 1. */
    readonly version: 1;
    /** The library's name. */
    readonly vendor: string;
    /** Validates a value. */
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: Output; readonly issues?: undefined }
      | { readonly issues: ReadonlyArray<StandardIssue> }
      | Promise<
        | { readonly value: Output; readonly issues?: undefined }
        | { readonly issues: ReadonlyArray<StandardIssue> }
      >;
  };
}

const VALIDATED = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** True for a Standard Schema v1 object. */
export function isStandardSchema(value: unknown): value is StandardSchema {
  const standard = (value as StandardSchema | null)?.["~standard"];
  return !!standard && standard.version === 1
    && typeof standard.validate === "function";
}

function schemaOf(request: SpiderwebRequest): unknown {
  return request.route?.schema
    ?? (request.handler as { schema?: unknown } | undefined)?.schema;
}

function isJson(request: SpiderwebRequest): boolean {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  return /^application\/([a-z0-9.+-]*\+)?json\b/.test(type);
}

function issueText(issue: StandardIssue): string {
  const first = issue.path?.[0];
  if (first === undefined) return issue.message;
  const key = typeof first === "object" ? first.key : first;
  return `${String(key)}: ${issue.message}`;
}

/**
 * Every declared schema must implement Standard Schema v1.
 *
 * @example A failing configuration
 * ```ts
 * import { SpiderwebRouter, StartupErrors, ValidationMiddleware } from "../../mod.ts";
 * let error: unknown;
 * try {
 *   new SpiderwebRouter({ db: ":memory:", middleware: [ValidationMiddleware], routes: [["/", () => ({}), { schema: {} }]] });
 * } catch (e) {
 *   error = e;
 * }
 * console.assert(error instanceof StartupErrors);
 * ```
 */
export class CheckRouteSchemas extends ServerCheck {
  /**
   * Fails naming the first route whose schema is not a Standard Schema.
   *
   * @returns the problem found, else nothing
   */
  override check(): ConfigError | undefined {
    for (const route of this.server.routes) {
      for (const key of ["schema", "query_schema"] as const) {
        if (route[key] !== undefined && !isStandardSchema(route[key])) {
          return new ConfigError(
            `Route '${route.path}' has a ${key} that does not implement Standard Schema v1`,
          );
        }
      }
    }
  }
}

/**
 * Validates the JSON or form body of POST, PUT, PATCH and DELETE requests
 * against the route's `schema` (output in `request.validated_data`), and the
 * query string of any request against its `query_schema` (output in
 * `request.validated_query`); failures answer 400
 * `{"message": "Validation error", "errors": [...]}`.
 *
 * @example A route with a zod schema
 * ```ts
 * import { SpiderwebRouter, ValidationMiddleware } from "../../mod.ts";
 * import type { StandardSchema } from "../../mod.ts";
 * const schema: StandardSchema<{ name: string }> = {
 *   "~standard": {
 *     version: 1,
 *     vendor: "example",
 *     validate: (value) =>
 *       typeof (value as { name?: unknown }).name === "string"
 *         ? { value: value as { name: string } }
 *         : { issues: [{ message: "Required", path: ["name"] }] },
 *   },
 * };
 * const app = new SpiderwebRouter({ middleware: [ValidationMiddleware] });
 * app.route("/hi", (request) => ({ hi: request.validated_data }), { schema });
 * const response = await app.fetch(new Request("http://localhost/hi", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: "{}",
 * }));
 * console.assert(response.status === 400);
 * ```
 */
export class ValidationMiddleware extends SpiderwebMiddleware {
  /** Checks that every schema is a Standard Schema. */
  static override checks = [CheckRouteSchemas];

  /**
   * Validates the body (POST, PUT, PATCH, DELETE) and the query string
   * against the route's schemas into `validated_data` and `validated_query`.
   *
   * @param request the request
   * @returns nothing; a failure is thrown and answered by `onError`
   */
  override async processRequest(
    request: SpiderwebRequest,
  ): Promise<HttpResponse | undefined> {
    const querySchema = request.route?.query_schema;
    if (isStandardSchema(querySchema)) {
      const result = await querySchema["~standard"].validate(
        request.GET.lastValues(),
      );
      if (result.issues) {
        return (await this.onError(request, result.issues)) ?? undefined;
      }
      request.validated_query = result.value;
    }
    if (!VALIDATED.has(request.method)) return;
    const schema = schemaOf(request);
    if (!isStandardSchema(schema)) return;
    // Forms: the last value per field, as spiderweb's MultiDict gives.
    const input = isJson(request) ? request.json() : request.POST.lastValues();
    const result = await schema["~standard"].validate(input);
    if (result.issues) {
      return (await this.onError(request, result.issues)) ?? undefined;
    }
    request.validated_data = result.value;
  }

  /**
   * The 400 answer for validation issues; override to change it. Other
   * errors (it is also the pipeline's error hook) are left alone.
   *
   * @param request the request
   * @param error what was thrown
   * @returns the 400 response for validation issues, else nothing
   */
  override onError(
    _request: SpiderwebRequest,
    error: unknown,
  ): HttpResponse | undefined {
    if (!Array.isArray(error)) return undefined;
    return new JsonResponse({
      message: "Validation error",
      errors: (error as StandardIssue[]).map(issueText),
    }, { status_code: 400 });
  }
}
