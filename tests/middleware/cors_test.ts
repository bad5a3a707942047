import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConfigError,
  CorsMiddleware,
  HttpResponse,
  NotFound,
  SessionMiddleware,
  SpiderwebMiddleware,
  SpiderwebRouter,
  StartupErrors,
} from "../../mod.ts";
import { call, recordingLogger } from "../_helpers.ts";
import { rows, sessionApp } from "./_session_helpers.ts";

function corsApp(options: Record<string, unknown> = {}) {
  const log = recordingLogger();
  const app = new SpiderwebRouter({
    log,
    middleware: [CorsMiddleware],
    cors_allowed_origins: ["https://example.com"],
    ...options,
  });
  app.route("/", () => new HttpResponse("ok"));
  app.route("/api/x", () => ({ ok: true }));
  app.route("/missing", () => {
    throw new NotFound();
  });
  app.route(
    "/vary",
    () => new HttpResponse("v", { headers: { vary: "Accept-Encoding" } }),
  );
  return { app, log };
}

const preflight = (origin = "https://example.com", extra = {}) => ({
  method: "OPTIONS",
  headers: {
    origin,
    "access-control-request-method": "GET",
    ...extra,
  },
});

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe("CorsMiddleware", () => {
  it("get without an Origin adds only Vary: origin", async () => {
    const { app } = corsApp();
    const response = await call(app, "/");
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    assert.equal(response.headers.get("vary"), "origin");
  });

  it("an allowed origin is echoed; others get nothing", async () => {
    const { app } = corsApp();
    const ok = await call(app, "/", {
      headers: { origin: "https://example.com" },
    });
    assert.equal(
      ok.headers.get("access-control-allow-origin"),
      "https://example.com",
    );
    for (
      const origin of [
        "https://example.org",
        "https://example.com.evil.net",
        "http://example.com",
        "null",
        "not a url",
      ]
    ) {
      const response = await call(app, "/", { headers: { origin } });
      assert.equal(
        response.headers.get("access-control-allow-origin"),
        null,
        origin,
      );
    }
  });

  it("null is allowed only when listed", async () => {
    const { app } = corsApp({ cors_allowed_origins: ["null"] });
    const response = await call(app, "/", { headers: { origin: "null" } });
    assert.equal(response.headers.get("access-control-allow-origin"), "null");
  });

  it("allow-all answers * without credentials", async () => {
    const { app } = corsApp({ cors_allow_all_origins: true });
    const response = await call(app, "/", {
      headers: { origin: "https://any.example" },
    });
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
  });

  it("HDR-03 allow-all with credentials echoes the origin and warns at startup", async () => {
    const { app, log } = corsApp({
      cors_allow_all_origins: true,
      cors_allow_credentials: true,
    });
    const response = await call(app, "/", {
      headers: { origin: "https://any.example" },
    });
    assert.equal(
      response.headers.get("access-control-allow-origin"),
      "https://any.example",
    );
    assert.equal(
      response.headers.get("access-control-allow-credentials"),
      "true",
    );
    assert.ok(
      log.lines.some((l) => l.startsWith("warn") && l.includes("credentialed")),
    );
  });

  it("HDR-03 with credentials only the listed origin is echoed", async () => {
    const { app } = corsApp({
      cors_allowed_origins: ["https://app.example"],
      cors_allow_credentials: true,
    });
    for (
      const origin of [
        "https://attacker.example",
        "null",
        "https://app.example.evil.net",
      ]
    ) {
      const response = await call(app, "/", { headers: { origin } });
      assert.equal(
        response.headers.get("access-control-allow-origin"),
        null,
        origin,
      );
    }
    const ok = await call(app, "/", {
      headers: { origin: "https://app.example" },
    });
    assert.equal(
      ok.headers.get("access-control-allow-origin"),
      "https://app.example",
    );
  });

  it("HDR-03 regexes match from the start; an anchored one rejects suffixes", async () => {
    const { app } = corsApp({
      cors_allowed_origins: [],
      cors_allowed_origin_regexes: [
        "^https://\\w+\\.example\\.com$",
        /https:\/\/sub\.x\.org/,
      ],
    });
    const allowed = async (origin: string) =>
      (await call(app, "/", { headers: { origin } })).headers.get(
        "access-control-allow-origin",
      );
    assert.equal(
      await allowed("https://a.example.com"),
      "https://a.example.com",
    );
    assert.equal(await allowed("https://a.example.com.evil.net"), null);
    assert.equal(await allowed("https://sub.x.org"), "https://sub.x.org");
    assert.equal(await allowed("http://evil/https://sub.x.org"), null);
  });

  it("HDR-03 Vary gains origin and keeps what was there", async () => {
    const { app } = corsApp();
    const response = await call(app, "/vary", {
      headers: { origin: "https://example.com" },
    });
    assert.equal(response.headers.get("vary"), "Accept-Encoding, origin");
  });

  it("preflights are answered on any path with the allowed headers and methods", async () => {
    const { app } = corsApp();
    for (const path of ["/api/x", "/nowhere"]) {
      const response = await call(app, path, preflight());
      assert.equal(response.status, 200, path);
      assert.equal(await response.text(), "");
      assert.equal(
        response.headers.get("access-control-allow-origin"),
        "https://example.com",
      );
      assert.equal(
        response.headers.get("access-control-allow-headers"),
        "accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with",
      );
      assert.equal(
        response.headers.get("access-control-allow-methods"),
        "DELETE, GET, OPTIONS, PATCH, POST, PUT",
      );
      assert.equal(response.headers.get("access-control-max-age"), "86400");
    }
  });

  it("a falsy max-age omits the header; a plain OPTIONS gets the automatic 204", async () => {
    const { app } = corsApp({ cors_preflight_max_age: 0 });
    const response = await call(app, "/api/x", preflight());
    assert.equal(response.headers.get("access-control-max-age"), null);
    const plain = await call(app, "/api/x", {
      method: "OPTIONS",
      headers: { origin: "https://example.com" },
    });
    assert.equal(plain.status, 204);
    assert.ok(plain.headers.get("allow"));
  });

  it("HDR-03 a huge preflight header is answered quickly", async () => {
    const { app } = corsApp();
    const started = performance.now();
    const response = await call(
      app,
      "/api/x",
      preflight("https://example.com", {
        "access-control-request-headers": "x" + " ".repeat(200_000) + "x",
      }),
    );
    assert.equal(response.status, 200);
    assert.ok(performance.now() - started < 500);
  });

  it("expose headers and private network are sent when configured", async () => {
    const { app } = corsApp({
      cors_expose_headers: ["x-a", "x-b"],
      cors_allow_private_network: true,
    });
    const response = await call(
      app,
      "/api/x",
      preflight("https://example.com", {
        "access-control-request-private-network": "true",
      }),
    );
    assert.equal(
      response.headers.get("access-control-expose-headers"),
      "x-a, x-b",
    );
    assert.equal(
      response.headers.get("access-control-allow-private-network"),
      "true",
    );
  });

  it("cors_urls_regex limits the paths", async () => {
    const { app } = corsApp({ cors_urls_regex: "^/api/" });
    const api = await call(app, "/api/x", {
      headers: { origin: "https://example.com" },
    });
    assert.equal(
      api.headers.get("access-control-allow-origin"),
      "https://example.com",
    );
    const root = await call(app, "/", {
      headers: { origin: "https://example.com" },
    });
    assert.equal(root.headers.get("access-control-allow-origin"), null);
    assert.equal(root.headers.get("vary"), null);
  });

  it("headers are added to non-2xx responses too", async () => {
    const { app } = corsApp();
    const response = await call(app, "/missing", {
      headers: { origin: "https://example.com" },
    });
    assert.equal(response.status, 404);
    assert.equal(
      response.headers.get("access-control-allow-origin"),
      "https://example.com",
    );
  });

  it("nothing is added after an earlier middleware short-circuits", async () => {
    class Gate extends SpiderwebMiddleware {
      override processRequest() {
        return new HttpResponse("gated", { status_code: 401 });
      }
    }
    const { app } = corsApp({ middleware: [Gate, CorsMiddleware] });
    const response = await call(app, "/", {
      headers: { origin: "https://example.com" },
    });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get("access-control-allow-origin"), null);
  });

  it("the check requires a way to allow origins, with a string message", () => {
    assert.throws(
      () =>
        new SpiderwebRouter({
          log: recordingLogger(),
          middleware: ["spiderweb.middleware.cors.CorsMiddleware"],
        }),
      (e: unknown) =>
        e instanceof StartupErrors && e instanceof ConfigError
        && typeof (e.errors[0] as Error).message === "string"
        && (e.errors[0] as Error).message.includes("cors_allowed_origins"),
    );
  });

  it("a preflight with CORS above sessions creates no session and does not crash", async () => {
    const context = sessionApp({
      middleware: [CorsMiddleware, SessionMiddleware],
      cors_allowed_origins: ["https://example.com"],
    });
    cleanups.push(context.cleanup);
    const response = await call(context.app, "/write", preflight());
    assert.equal(response.status, 200);
    assert.equal(
      response.headers.get("access-control-allow-origin"),
      "https://example.com",
    );
    assert.equal(response.headers.get("set-cookie"), null);
    assert.equal(rows(context.app).length, 0);
  });
});

describe("CorsMiddleware: settings checked at startup, django-cors-headers parity", () => {
  const startupErrors = (options: Record<string, unknown>): string[] => {
    try {
      corsApp(options);
    } catch (error) {
      assert.ok(error instanceof StartupErrors, String(error));
      return error.errors.map(String);
    }
    return [];
  };

  it("every malformed setting is a ConfigError naming it and the value, all reported together", () => {
    const errors = startupErrors({
      cors_allowed_origins: "https://example.com",
      cors_allowed_origin_regexes: {},
      cors_allow_methods: "GET",
      cors_allow_headers: [1],
      cors_expose_headers: ["x", null],
      cors_preflight_max_age: -1,
      cors_allow_credentials: "yes",
      cors_allow_all_origins: 1,
      cors_allow_private_network: "no",
      cors_urls_regex: "(",
      cors_allow_request: true,
    });
    for (
      const name of [
        "cors_allowed_origins",
        "cors_allowed_origin_regexes",
        "cors_allow_methods",
        "cors_allow_headers",
        "cors_expose_headers",
        "cors_preflight_max_age",
        "cors_allow_credentials",
        "cors_allow_all_origins",
        "cors_allow_private_network",
        "cors_urls_regex",
        "cors_allow_request",
      ]
    ) {
      assert.ok(
        errors.some((e) => e.startsWith(`ConfigError() - Invalid ${name}:`)),
        `${name} in ${errors.join("\n")}`,
      );
    }
    assert.ok(errors.some((e) => e.includes("\"https://example.com\"")));
  });

  it("origins with a path, query or trailing slash are rejected; null and file:// are fine", () => {
    for (
      const origin of [
        "https://example.com/",
        "https://example.com/app",
        "https://example.com?x=1",
        "example.com",
      ]
    ) {
      const errors = startupErrors({ cors_allowed_origins: [origin] });
      assert.equal(errors.length, 1, origin);
      assert.match(errors[0], /Invalid cors_allowed_origins/);
      assert.ok(errors[0].includes(JSON.stringify(origin)));
    }
    assert.deepEqual(
      startupErrors({
        cors_allowed_origins: ["null", "file://", "http://[::1]:8000"],
      }),
      [],
    );
  });

  it("\"null\" and \"file://\" are allowed only when listed", async () => {
    const { app } = corsApp({ cors_allowed_origins: ["null", "file://"] });
    for (const origin of ["null", "file://"]) {
      const response = await call(app, "/", { headers: { origin } });
      assert.equal(response.headers.get("access-control-allow-origin"), origin);
    }
    const { app: other } = corsApp();
    const response = await call(other, "/", { headers: { origin: "null" } });
    assert.equal(response.headers.get("access-control-allow-origin"), null);
  });

  it("an Origin that is not an origin is never allowed, even with cors_allow_all_origins", async () => {
    const { app } = corsApp({
      cors_allowed_origins: [],
      cors_allow_all_origins: true,
    });
    for (
      const origin of [
        "https://example.com/path",
        "not an origin",
        "javascript:alert(1)",
        "https://a.example\r\nx: y",
        "",
      ]
    ) {
      const response = await call(app, "/", {
        headers: { origin: encodeURI(origin) },
      });
      assert.equal(
        response.headers.get("access-control-allow-origin"),
        null,
        origin,
      );
    }
    const ok = await call(app, "/", {
      headers: { origin: "https://any.example" },
    });
    assert.equal(ok.headers.get("access-control-allow-origin"), "*");
  });

  it("cors_allow_request allows any origin for the requests it approves, sync or async", async () => {
    for (
      const hook of [
        (request: { path: string }) => request.path.startsWith("/api/public/"),
        (request: { path: string }) =>
          Promise.resolve(request.path.startsWith("/api/public/")),
      ]
    ) {
      const { app } = corsApp({ cors_allow_request: hook });
      app.route("/api/public/items", () => ({ items: [] }));
      const origin = { headers: { origin: "https://anyone.example" } };
      const open = await call(app, "/api/public/items", origin);
      assert.equal(
        open.headers.get("access-control-allow-origin"),
        "https://anyone.example",
      );
      const closed = await call(app, "/api/x", origin);
      assert.equal(closed.headers.get("access-control-allow-origin"), null);
      const listed = await call(app, "/api/x", {
        headers: { origin: "https://example.com" },
      });
      assert.equal(
        listed.headers.get("access-control-allow-origin"),
        "https://example.com",
      );
      const pre = await call(
        app,
        "/api/public/items",
        preflight("https://anyone.example"),
      );
      assert.equal(pre.status, 200);
      assert.equal(
        pre.headers.get("access-control-allow-origin"),
        "https://anyone.example",
      );
    }
  });

  it("cors_allow_request alone is a way to allow origins", () => {
    assert.deepEqual(
      startupErrors({
        cors_allowed_origins: [],
        cors_allow_request: () => true,
      }),
      [],
    );
  });
});
