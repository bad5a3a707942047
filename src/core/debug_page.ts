/**
 * The debug error page (`debug: true` only): the exception, its stack with
 * the app's own frames first, and the request, with secrets masked as
 * Django's `SafeExceptionReporterFilter` does. Browsers get HTML; API
 * clients the same fields as JSON.
 *
 * @module
 */

import type { SpiderwebRequest } from "./request.ts";
import { JsonResponse } from "./json_response.ts";
import { HttpResponse } from "./response.ts";

const MASK = "********************";
// Django's HIDDEN_SETTINGS, applied to every name shown.
const SENSITIVE = /pass|secret|token|key|signature|auth|cookie/i;
// Where the framework's own modules live: frames from here come last.
const FRAMEWORK_DIR = new URL("../", import.meta.url).href;

/** What the debug page shows, as data. */
export interface DebugReport {
  /** The exception's class name. */
  type: string;
  /** Its message. */
  message: string;
  /** Stack frames, the app's own first. */
  stack: string[];
  /** The request, secrets masked. */
  request: {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    form: Record<string, string>;
    cookies: Record<string, string>;
    session: Record<string, unknown>;
  };
}

function masked(entries: Iterable<[string, unknown]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    out[name] = SENSITIVE.test(name) ? MASK : String(value);
  }
  return out;
}

function isFrameworkFrame(frame: string): boolean {
  const path = frame.replace(/^\s*at\s+/, "");
  return path.includes(FRAMEWORK_DIR)
    || path.includes(new URL(FRAMEWORK_DIR).pathname)
    || /\b(node:|ext:|native\b|internal\/)/.test(path);
}

/**
 * The debug report of an exception raised while handling a request.
 *
 * @param request the request
 * @param error what was thrown
 * @returns the report, secrets masked
 */
export function debugReport(
  request: SpiderwebRequest,
  error: unknown,
): DebugReport {
  const err = error instanceof Error ? error : new Error(String(error));
  const frames = (err.stack ?? "").split("\n").filter((l) => /^\s*at\s/.test(l))
    .map((l) => l.trim());
  const own = frames.filter((f) => !isFrameworkFrame(f));
  const framework = frames.filter(isFrameworkFrame);
  const session = request.session ? request.SESSION : {};
  return {
    type: err.constructor?.name || err.name,
    message: err.message,
    stack: [...own, ...framework],
    request: {
      method: request.method,
      path: request.path,
      query: masked(request.GET),
      headers: masked(request.headers),
      form: masked(request.POST),
      // Every cookie value is a secret (session keys included).
      cookies: Object.fromEntries(
        Object.keys(request.COOKIES).map((name) => [name, MASK]),
      ),
      session: masked(Object.entries(session)),
    },
  };
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function table(title: string, rows: Record<string, unknown>): string {
  const body = Object.entries(rows).map(([k, v]) =>
    `<tr><th>${escape(k)}</th><td><code>${escape(String(v))}</code></td></tr>`
  ).join("");
  return `<h2>${escape(title)}</h2>${
    body ? `<table>${body}</table>` : "<p>(none)</p>"
  }`;
}

/**
 * The 500 answer of a debug app: HTML for browsers (`Accept: text/html`),
 * JSON otherwise.
 *
 * @example
 * ```ts
 * import { SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter({ debug: true, log_requests: false, log: { debug() {}, info() {}, warn() {}, error() {} } });
 * app.route("/", () => {
 *   throw new TypeError("boom");
 * });
 * const response = await app.fetch(new Request("http://localhost/"));
 * const report = await response.json();
 * console.assert(response.status === 500 && report.exception.type === "TypeError");
 * ```
 *
 * @param request the request
 * @param error what was thrown
 * @returns the 500 response
 */
export function debugResponse(
  request: SpiderwebRequest,
  error: unknown,
): HttpResponse {
  const report = debugReport(request, error);
  const accept = request.headers.get("accept") ?? "";
  if (!accept.includes("text/html")) {
    return new JsonResponse({
      error: "Internal server error",
      exception: {
        type: report.type,
        message: report.message,
        stack: report.stack,
      },
      request: report.request,
    }, { status_code: 500 });
  }
  const r = report.request;
  const html = `<!doctype html><html><head><meta charset="utf-8">
<title>${escape(report.type)} at ${escape(r.path)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}pre{background:#f6f6f6;padding:1em;overflow:auto}th{text-align:left;padding-right:1em;vertical-align:top}h1{color:#a00}</style>
</head><body>
<h1>${escape(report.type)}</h1><p><strong>${escape(report.message)}</strong></p>
<p>${escape(r.method)} ${escape(r.path)}</p>
<h2>Stack (your code first)</h2><pre>${escape(report.stack.join("\n"))}</pre>
${table("Query", r.query)}${table("Form", r.form)}${
    table("Headers", r.headers)
  }${table("Cookies", r.cookies)}${table("Session", r.session)}
<p>You see this page because <code>debug: true</code>. Never in production.</p>
</body></html>`;
  return new HttpResponse(html, { status_code: 500 });
}
