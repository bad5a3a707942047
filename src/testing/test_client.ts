/**
 * `TestClient`: calls `app.fetch` in-process with a cookie jar, like a
 * browser that honours `Set-Cookie` (Path, Max-Age, Expires, deletion).
 *
 * @module
 */

import type { App } from "../core/app.ts";

interface JarCookie {
  value: string;
  path: string;
  expires: number | null;
}

/** Request options of `TestClient`; a plain object `json` is sent as JSON. */
export interface TestRequestInit extends RequestInit {
  /** Sent as a JSON body with `content-type: application/json`. */
  json?: unknown;
  /** Sent as an urlencoded form. */
  form?: Record<string, string>;
}

/** Options of `TestClient`. */
export interface TestClientOptions {
  /** The origin requests go to. @default "http://localhost" */
  baseUrl?: string;
  /** Put the client's requests in the app's request log. @default false */
  log_requests?: boolean;
}

// RFC 6265 §5.1.4: "/a" matches "/a", "/a/" and "/a/b", not "/ab".
function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || requestPath[cookiePath.length] === "/";
}

/**
 * An in-process client for tests: no socket, real cookies.
 *
 * @example Following a session across requests
 * ```ts
 * import { SessionMiddleware, SpiderwebRouter, TestClient } from "../../mod.ts";
 * const app = new SpiderwebRouter({ db: ":memory:", middleware: [SessionMiddleware] });
 * app.route("/", (request) => {
 *   request.SESSION.n = Number(request.SESSION.n ?? 0) + 1;
 *   return { n: request.SESSION.n };
 * });
 * const client = new TestClient(app);
 * await client.get("/");
 * const second = await client.get("/");
 * console.assert((await second.json()).n === 2);
 * await app.close();
 * ```
 */
export class TestClient {
  /** The app under test. */
  readonly app: App;
  /** The origin requests go to. */
  readonly baseUrl: string;
  readonly #jar = new Map<string, JarCookie>();
  readonly #logRequests: boolean;

  /**
   * Creates a client with an empty cookie jar.
   *
   * @param app the app to call (in process, through `app.fetch`)
   * @param options the base URL, and whether requests are logged
   */
  constructor(app: App, options: TestClientOptions = {}) {
    this.app = app;
    this.baseUrl = options.baseUrl ?? "http://localhost";
    this.#logRequests = options.log_requests ?? false;
  }

  /**
   * The cookies the jar would send to `path`.
   *
   * @param path the request path
   * @returns the cookie values by name
   */
  cookies(path = "/"): Record<string, string> {
    const now = Date.now();
    const result: Record<string, string> = {};
    for (const [name, cookie] of this.#jar) {
      if (cookie.expires !== null && cookie.expires <= now) {
        this.#jar.delete(name);
      } else if (pathMatches(path, cookie.path)) {
        result[name] = cookie.value;
      }
    }
    return result;
  }

  /**
   * Puts a cookie in the jar, as if the server had set it.
   *
   * @param name the cookie name
   * @param value the value
   * @param path the cookie path
   */
  setCookie(name: string, value: string, path = "/"): void {
    this.#jar.set(name, { value, path, expires: null });
  }

  /** Empties the jar. */
  clearCookies(): void {
    this.#jar.clear();
  }

  /**
   * Sends a request with the jar's cookies and stores the answer's.
   *
   * @param method the HTTP method
   * @param path the path (and query) to request
   * @param init headers, a body, or `json` / `form` data
   * @returns the response
   */
  async request(
    method: string,
    path: string,
    init: TestRequestInit = {},
  ): Promise<Response> {
    const url = new URL(path, this.baseUrl);
    const headers = new Headers(init.headers);
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set("content-type", "application/json");
    } else if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers.set("content-type", "application/x-www-form-urlencoded");
    }
    const jar = Object.entries(this.cookies(url.pathname));
    if (jar.length && !headers.has("cookie")) {
      headers.set("cookie", jar.map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const response = await this.app.fetch(
      new Request(url, { ...init, method, headers, body }),
      {
        remoteAddress: "127.0.0.1",
        logRequest: this.#logRequests,
        inProcess: true,
      },
    );
    this.#store(response, url.pathname);
    return response;
  }

  #store(response: Response, requestPath: string): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const defaultPath = requestPath.slice(0, requestPath.lastIndexOf("/"))
        || "/";
      const cookie: JarCookie = { value, path: defaultPath, expires: null };
      let maxAge: number | null = null;
      for (const attribute of attributes) {
        const [key, ...rest] = attribute.trim().split("=");
        const attrValue = rest.join("=");
        switch (key.toLowerCase()) {
          case "path":
            cookie.path = attrValue || "/";
            break;
          case "max-age":
            maxAge = Number(attrValue);
            break;
          case "expires":
            cookie.expires = Date.parse(attrValue);
            break;
        }
      }
      // RFC 6265 §5.3: Max-Age wins over Expires.
      if (maxAge !== null) cookie.expires = Date.now() + maxAge * 1000;
      if (cookie.expires !== null && cookie.expires <= Date.now()) {
        this.#jar.delete(name);
      } else {
        this.#jar.set(name, cookie);
      }
    }
  }

  /**
   * Sends a GET request (see `request()`).
   *
   * @param path the path (and query) to request
   * @param init headers, a body, or `json` / `form` data
   * @returns the response
   */
  get(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("GET", path, init);
  }
  /**
   * Sends a POST request (see `request()`).
   *
   * @param path the path (and query) to request
   * @param init headers, a body, or `json` / `form` data
   * @returns the response
   */
  post(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("POST", path, init);
  }
  /**
   * Sends a PUT request (see `request()`).
   *
   * @param path the path (and query) to request
   * @param init headers, a body, or `json` / `form` data
   * @returns the response
   */
  put(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("PUT", path, init);
  }
  /**
   * Sends a PATCH request (see `request()`).
   *
   * @param path the path (and query) to request
   * @param init headers, a body, or `json` / `form` data
   * @returns the response
   */
  patch(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("PATCH", path, init);
  }
  /**
   * Sends a DELETE request (see `request()`).
   *
   * @param path the path (and query) to request
   * @param init headers, a body, or `json` / `form` data
   * @returns the response
   */
  delete(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("DELETE", path, init);
  }
  /**
   * Sends a HEAD request (see `request()`).
   *
   * @param path the path (and query) to request
   * @param init headers, a body, or `json` / `form` data
   * @returns the response
   */
  head(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("HEAD", path, init);
  }
  /**
   * Sends a OPTIONS request (see `request()`).
   *
   * @param path the path (and query) to request
   * @param init headers, a body, or `json` / `form` data
   * @returns the response
   */
  options(path: string, init?: TestRequestInit): Promise<Response> {
    return this.request("OPTIONS", path, init);
  }
}
