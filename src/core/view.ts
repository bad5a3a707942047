/**
 * Class-based views: one method per HTTP verb, a new instance per request.
 *
 * @module
 */

import { MethodNotAllowed } from "../http/status_errors.ts";
import { HttpResponse } from "./response.ts";
import type { SpiderwebRequest } from "./request.ts";

const VERBS = ["get", "post", "put", "patch", "delete", "head", "options"];

/** What a view may return: a response (spiderweb's or a Fetch `Response`), or data as JSON. */
export type ViewResult =
  | HttpResponse
  | Response
  | Record<string, unknown>
  | unknown[]
  | null
  | undefined
  | void;

/** A view function. */
export type ViewFunction<P = Record<string, unknown>> = (
  request: SpiderwebRequest,
  params: P,
) => ViewResult | Promise<ViewResult>;

/** The `Allow` order of the reference: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS. */
export const METHOD_ORDER = [
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
];

/** Sorts methods in `Allow` order; unknown methods go last, as given. */
export function sortMethods(methods: Iterable<string>): string[] {
  const rank = (m: string) => {
    const i = METHOD_ORDER.indexOf(m);
    return i === -1 ? METHOD_ORDER.length : i;
  };
  return [...new Set(methods)].sort((a, b) => rank(a) - rank(b));
}

/**
 * A class-based view. Define `get`, `post`, … ; the allowed methods are the
 * ones defined, plus HEAD with `get`, plus OPTIONS (answered with 204).
 *
 * @example A view with two methods
 * ```ts
 * import { SpiderwebRouter, View } from "../../mod.ts";
 * class Items extends View {
 *   get() { return { items: [] }; }
 *   post() { return { created: true }; }
 * }
 * const app = new SpiderwebRouter();
 * app.route("/items", Items);
 * const response = await app.fetch(new Request("http://localhost/items"));
 * console.assert(response.status === 200);
 * ```
 */
export class View {
  /** The name of the template the view renders, if any. */
  template_name: string | null = null;

  /**
   * The methods this view class defines, upper-case, in `Allow` order (HEAD
   * with `get`, and OPTIONS).
   *
   * @returns the methods
   */
  static allowedMethods(): string[] {
    const methods = new Set<string>();
    for (
      let proto = this.prototype;
      proto && proto !== View.prototype;
      proto = Object.getPrototypeOf(proto)
    ) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (VERBS.includes(name)) methods.add(name.toUpperCase());
      }
    }
    if (methods.has("GET")) methods.add("HEAD");
    methods.add("OPTIONS");
    return sortMethods(methods);
  }

  /**
   * Answers OPTIONS with 204 and the `Allow` header.
   *
   * @param _request the request
   * @param _params the path values
   * @returns the 204 response
   */
  options(_request: SpiderwebRequest, _params?: unknown): HttpResponse {
    const allow = (this.constructor as typeof View).allowedMethods();
    return new HttpResponse(null, {
      status_code: 204,
      headers: { allow: allow.join(", ") },
    });
  }
}

/** True for a `View` subclass. */
export function isViewClass(value: unknown): value is typeof View {
  return typeof value === "function" && value.prototype instanceof View;
}

/** Turns a `View` subclass into a view function dispatching on the method. */
export function viewClassToFunction(cls: typeof View): ViewFunction {
  const view: ViewFunction = (request, params) => {
    const instance = new cls() as unknown as Record<string, unknown>;
    let name = request.method.toLowerCase();
    if (name === "head" && typeof instance.head !== "function") name = "get";
    const handler = VERBS.includes(name) ? instance[name] : undefined;
    if (typeof handler !== "function") throw new MethodNotAllowed();
    return handler.call(instance, request, params);
  };
  Object.defineProperty(view, "name", { value: cls.name });
  return view;
}
