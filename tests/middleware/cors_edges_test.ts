// CORS edges the mutation run (`deno task mutation cors`) found untested:
// each header appears only when its setting and the request ask for it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { CorsMiddleware, HttpResponse, SpiderwebRouter } from "../../mod.ts";
import { call, recordingLogger } from "../_helpers.ts";

function corsApp(options: Record<string, unknown> = {}) {
  const app = new SpiderwebRouter({
    log: recordingLogger(),
    middleware: [CorsMiddleware],
    cors_allowed_origins: ["https://example.com"],
    ...options,
  });
  app.route("/", () => new HttpResponse("ok"));
  return app;
}

const preflightHeaders = (extra: Record<string, string> = {}) => ({
  origin: "https://example.com",
  "access-control-request-method": "GET",
  ...extra,
});

describe("CORS edges", () => {
  it("credentials, exposed headers and private network are off by default", async () => {
    const app = corsApp();
    const simple = await call(app, "/", {
      headers: { origin: "https://example.com" },
    });
    assert.equal(
      simple.headers.get("access-control-allow-origin"),
      "https://example.com",
    );
    assert.equal(simple.headers.get("access-control-allow-credentials"), null);
    assert.equal(simple.headers.get("access-control-expose-headers"), null);
    const preflight = await call(app, "/", {
      method: "OPTIONS",
      headers: preflightHeaders({
        "access-control-request-private-network": "true",
      }),
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers.get("content-length"), "0");
    assert.equal(
      preflight.headers.get("access-control-allow-private-network"),
      null,
    );
  });

  it("private network access is granted only when the preflight asks for it", async () => {
    const app = corsApp({ cors_allow_private_network: true });
    const asked = await call(app, "/", {
      method: "OPTIONS",
      headers: preflightHeaders({
        "access-control-request-private-network": "true",
      }),
    });
    assert.equal(
      asked.headers.get("access-control-allow-private-network"),
      "true",
    );
    const notAsked = await call(app, "/", {
      method: "OPTIONS",
      headers: preflightHeaders(),
    });
    assert.equal(
      notAsked.headers.get("access-control-allow-private-network"),
      null,
    );
  });

  it("an OPTIONS without Access-Control-Request-Method reaches the route", async () => {
    const response = await call(corsApp(), "/", {
      method: "OPTIONS",
      headers: { origin: "https://example.com" },
    });
    // The router's own OPTIONS answer, not a preflight's empty 200.
    assert.equal(response.status, 204);
    assert.ok(response.headers.get("allow")?.includes("GET"));
  });

  it("a request without Origin gets Vary but no CORS headers", async () => {
    const response = await call(corsApp({ cors_allow_all_origins: true }), "/");
    assert.match(response.headers.get("vary") ?? "", /origin/i);
    assert.equal(response.headers.get("access-control-allow-origin"), null);
  });

  it("origins are compared canonically: case and default ports", async () => {
    const app = corsApp();
    for (
      const origin of ["https://EXAMPLE.com", "https://example.com:443"]
    ) {
      const response = await call(app, "/", { headers: { origin } });
      assert.equal(
        response.headers.get("access-control-allow-origin"),
        origin,
        origin,
      );
    }
    const other = await call(app, "/", {
      headers: { origin: "https://example.com:8443" },
    });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  });

  it("null and file:// origins pass only when listed", async () => {
    for (const origin of ["null", "file://"]) {
      const unlisted = await call(
        corsApp({ cors_allowed_origin_regexes: [/.*/] }),
        "/",
        { headers: { origin } },
      );
      assert.equal(
        unlisted.headers.get("access-control-allow-origin"),
        null,
        origin,
      );
      const listed = await call(
        corsApp({ cors_allowed_origins: [origin] }),
        "/",
        { headers: { origin } },
      );
      assert.equal(
        listed.headers.get("access-control-allow-origin"),
        origin,
        origin,
      );
    }
  });

  it("origin regexes match from the start, as re.match does, keeping their flags", async () => {
    const allowed = async (regexes: (string | RegExp)[], origin: string) =>
      (await call(
        corsApp({
          cors_allowed_origins: [],
          cors_allowed_origin_regexes: regexes,
        }),
        "/",
        {
          headers: { origin },
        },
      )).headers.get("access-control-allow-origin") === origin;
    assert.equal(
      await allowed(["example\\.com"], "https://example.com"),
      false,
    );
    assert.equal(
      await allowed(
        ["https://[a-z]+\\.example\\.com"],
        "https://api.example.com",
      ),
      true,
    );
    assert.equal(
      await allowed(
        [/^https:\/\/API\.example\.com$/i],
        "https://api.example.com",
      ),
      true,
    );
    assert.equal(
      await allowed([/example\.com/gi], "https://example.com"),
      false,
    );
  });
});

describe("CORS edges found by the second mutation run", () => {
  it("warns about credentials with every origin allowed, only for both together", () => {
    const warnings = (options: Record<string, unknown>) => {
      const log = recordingLogger();
      new SpiderwebRouter({ log, middleware: [CorsMiddleware], ...options });
      return log.lines.filter((l) => l.includes("credentialed requests"));
    };
    assert.equal(
      warnings({ cors_allow_all_origins: true, cors_allow_credentials: true })
        .length,
      1,
    );
    assert.equal(warnings({ cors_allow_all_origins: true }).length, 0);
    assert.equal(
      warnings({
        cors_allowed_origins: ["https://example.com"],
        cors_allow_credentials: true,
      }).length,
      0,
    );
  });

  it("only OPTIONS is a preflight; other methods reach the view without preflight headers", async () => {
    const app = corsApp();
    const get = await call(app, "/", { headers: preflightHeaders() });
    assert.equal(await get.text(), "ok");
    assert.equal(get.headers.get("access-control-allow-methods"), null);
    assert.equal(get.headers.get("access-control-allow-headers"), null);
    const preflight = await call(app, "/", {
      method: "OPTIONS",
      headers: preflightHeaders(),
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers.get("content-type"), "text/plain");
    assert.ok(preflight.headers.get("access-control-allow-methods"));
  });

  it("settings: some origin is required; origins must be strings in origin form", () => {
    const problems = (options: Record<string, unknown>) => {
      try {
        new SpiderwebRouter({
          log: recordingLogger(),
          middleware: [CorsMiddleware],
          ...options,
        });
        return [];
      } catch (error) {
        return ((error as { errors?: Error[] }).errors ?? [error as Error])
          .map((e) => e.message);
      }
    };
    assert.match(
      problems({})[0] ?? "",
      /CorsMiddleware needs cors_allowed_origins/,
    );
    for (
      const origin of [
        " https://example.com",
        { toString: () => "https://example.com" },
      ]
    ) {
      assert.match(
        problems({ cors_allowed_origins: [origin] })[0] ?? "",
        /is not an origin/,
        String(origin),
      );
    }
  });
});
