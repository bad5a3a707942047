import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConfigError,
  csrfExempt,
  CSRFMiddleware,
  HttpResponse,
  SessionMiddleware,
  SpiderwebRouter,
  StartupErrors,
  TestClient,
} from "../../mod.ts";
import { call, recordingLogger } from "../_helpers.ts";
import { keyOf, rows, sessionApp } from "./_session_helpers.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function csrfApp(options: Record<string, unknown> = {}) {
  const context = sessionApp({
    secret_key: "test secret",
    middleware: [SessionMiddleware, CSRFMiddleware],
    ...options,
  });
  cleanups.push(context.cleanup);
  const { app } = context;
  const unsafe = ["POST", "PUT", "PATCH", "DELETE"];
  app.route(
    "/token",
    async (request) => ({ token: await request.csrfToken() }),
  );
  app.route("/submit", (request) => {
    request.SESSION.submitted = (Number(request.SESSION.submitted) || 0) + 1;
    return { ok: true, method: request.method };
  }, { allowed_methods: ["GET", "OPTIONS", ...unsafe] });
  app.route("/hook", csrfExempt(() => ({ hooked: true })), {
    allowed_methods: ["POST"],
  });
  app.route("/exempt", () => ({ exempt: true }), {
    allowed_methods: ["POST"],
    csrf_exempt: true,
  });
  app.route("/login", (request) => {
    request.cycleSessionKey();
    return {};
  }, { allowed_methods: ["POST"] });
  return context;
}

async function loggedInClient(app: SpiderwebRouter, baseUrl?: string) {
  const client = new TestClient(app, { baseUrl });
  const response = await client.get("/token");
  const { token } = await response.json();
  return { client, token: token as string };
}

describe("CSRFMiddleware", () => {
  it("CSRF-01 unsafe methods need a token; safe ones pass", async () => {
    const { app } = csrfApp();
    const { client, token } = await loggedInClient(app);
    const before = rows(app);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await client.request(method, "/submit");
      assert.equal(response.status, 403, method);
      assert.match(await response.text(), /CSRF token is invalid/);
    }
    assert.deepEqual(rows(app), before);
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      assert.ok((await client.request(method, "/submit")).status < 300, method);
    }
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await client.request(method, "/submit", {
        headers: { "x-csrf-token": token },
      });
      assert.equal(response.status, 200, method);
    }
  });

  it("CSRF-02 bad, foreign, stale and misplaced tokens are 403", async () => {
    const { app } = csrfApp({ csrf_max_age: 3600 });
    const { client, token } = await loggedInClient(app);
    const other = await loggedInClient(app);
    const csrf = app.middleware[1] as CSRFMiddleware;
    const now = Date.now();
    const stale = await csrf.tokenFor(
      keyOf(await client.get("/token")) ?? "",
      now,
    );
    void stale;
    const key = client.cookies().swsession;
    const old = await csrf.tokenFor(key, now - 3601_000);
    const future = await csrf.tokenFor(key, now + 120_000);
    const [seconds, mac] = token.split(".");
    const wrongMac = `${seconds}.${mac.slice(0, -2)}${
      mac.endsWith("AA") ? "BB" : "AA"
    }`;
    for (
      const bad of ["", "*".repeat(64), wrongMac, other.token, old, future]
    ) {
      const response = await client.post("/submit", {
        headers: { "x-csrf-token": bad },
      });
      assert.equal(response.status, 403, bad);
    }
    const fresh = (await (await client.get("/token")).json()).token;
    const misplaced = [
      client.post(`/submit?csrf_token=${fresh}`),
      client.post("/submit", { headers: { "x-csrftoken": fresh } }),
      client.post("/submit", {
        headers: { cookie: `swsession=${key}; csrf_token=${fresh}` },
      }),
    ];
    for (const response of await Promise.all(misplaced)) {
      assert.equal(response.status, 403);
    }
    assert.equal(
      (await client.post("/submit", { headers: { "x-csrf-token": fresh } }))
        .status,
      200,
    );
    assert.equal(
      (await client.post("/submit", { form: { csrf_token: fresh } })).status,
      200,
    );
    const form = new FormData();
    form.append("csrf_token", fresh);
    assert.equal((await client.post("/submit", { body: form })).status, 200);
  });

  it("CSRF-02 a token minted before login is dead after the key rotates", async () => {
    const { app } = csrfApp();
    const { client, token } = await loggedInClient(app);
    const login = await client.post("/login", {
      headers: { "x-csrf-token": token },
    });
    assert.equal(login.status, 200);
    const response = await client.post("/submit", {
      headers: { "x-csrf-token": token },
    });
    assert.equal(response.status, 403);
    const next = login.headers.get("x-csrf-token")!;
    assert.equal(
      (await client.post("/submit", { headers: { "x-csrf-token": next } }))
        .status,
      200,
    );
  });

  it("CSRF-03 no session: 403 and no row is created", async () => {
    const { app } = csrfApp();
    const other = await loggedInClient(app);
    const count = rows(app).length;
    assert.equal((await call(app, "/submit", { method: "POST" })).status, 403);
    const response = await call(app, "/submit", {
      method: "POST",
      headers: { "x-csrf-token": other.token },
    });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get("set-cookie"), null);
    assert.equal(rows(app).length, count);
  });

  it("CSRF-04 only exact or wildcard trusted origins pass without a token", async () => {
    const { app } = csrfApp({
      csrf_trusted_origins: ["https://*.partner.example"],
    });
    const { client, token } = await loggedInClient(app, "https://app.example");
    const denied = [
      "https://evil.example",
      "null",
      "http://app.example",
      "https://app.example:8443",
      "https://app.example.evil.net",
      "https://evilpartner.example",
      "https://partner.example",
      "https://[",
    ];
    for (const origin of denied) {
      const variants: Record<string, string>[] = [
        { origin },
        { origin, "x-csrf-token": token },
      ];
      for (const headers of variants) {
        const response = await client.post("/submit", { headers });
        assert.equal(response.status, 403, JSON.stringify(headers));
      }
    }
    for (
      const origin of [
        "https://a.partner.example",
        "https://a.b.partner.example",
      ]
    ) {
      const response = await client.post("/submit", { headers: { origin } });
      assert.equal(response.status, 200, origin);
    }
    const own = await client.post("/submit", {
      headers: { origin: "https://app.example", "x-csrf-token": token },
    });
    assert.equal(own.status, 200);
  });

  it("CSRF-05 over HTTPS without Origin, a missing, malformed, insecure or foreign Referer is 403 even with a valid token, never 500", async () => {
    const { app, log } = csrfApp();
    const { client, token } = await loggedInClient(app, "https://app.example");
    const reasons: Record<string, RegExp> = {
      "": /Referer checking failed - no Referer\./,
      "http://app.example/": /Referer is insecure while host is secure/,
      "ØBöIß": /Referer is malformed/,
      "//x/": /Referer is malformed/,
      "https://[": /Referer is malformed/,
      "https://evil.example/": /does not match any trusted origins/,
    };
    for (const [referer, reason] of Object.entries(reasons)) {
      const headers: Record<string, string> = { "x-csrf-token": token };
      if (referer) headers.referer = encodeURI(referer);
      const response = await client.post("/submit", { headers });
      assert.equal(response.status, 403, referer);
      assert.ok(
        log.lines.some((l) => reason.test(l) && l.endsWith(": /submit")),
        `${referer}: ${log.lines.at(-1)}`,
      );
    }
    const ok = await client.post("/submit", {
      headers: { referer: "https://app.example/form", "x-csrf-token": token },
    });
    assert.equal(ok.status, 200);
  });

  it("CSRF-06 Sec-Fetch-Site never stands in for a token; cross-site always fails", async () => {
    const { app } = csrfApp();
    const { client, token } = await loggedInClient(app);
    for (const site of ["same-origin", "same-site", "none", "foo"]) {
      const response = await client.post("/submit", {
        headers: { "sec-fetch-site": site },
      });
      assert.equal(response.status, 403, site);
    }
    const crossSite = await client.post("/submit", {
      headers: { "sec-fetch-site": "cross-site", "x-csrf-token": token },
    });
    assert.equal(crossSite.status, 403);
  });

  it("CSRF-07 the check does not depend on the content type", async () => {
    const { app } = csrfApp();
    const { client } = await loggedInClient(app);
    const bodies: [string | null, BodyInit][] = [
      ["Application/x-www-form-urlencoded", "a=1"],
      ["text/plain;charset=utf-8", "a=1"],
      ["multipart/form-data; boundary=x", "--x--\r\n"],
      ["application/json", "{}"],
      [null, new Uint8Array([1, 2, 3])],
    ];
    for (const [type, body] of bodies) {
      const headers: Record<string, string> = type
        ? { "content-type": type }
        : {};
      const response = await client.post("/submit", { headers, body });
      assert.equal(
        response.status,
        403,
        String(type),
      );
    }
  });

  it("CSRF-08 method overrides never skip the check", async () => {
    const { app } = csrfApp();
    let deleted = false;
    app.route("/thing", () => {
      deleted = true;
      return {};
    }, { allowed_methods: ["DELETE"] });
    app.route("/thing2", () => ({}), { allowed_methods: ["GET", "POST"] });
    const { client } = await loggedInClient(app);
    const a = await client.post("/thing2", {
      form: { _method: "DELETE" },
    });
    const b = await client.post("/thing2", {
      headers: { "x-http-method-override": "DELETE" },
    });
    assert.equal(a.status, 403);
    assert.equal(b.status, 403);
    const c = await client.get("/thing?_method=DELETE", {
      headers: { "x-http-method-override": "DELETE" },
    });
    assert.equal(c.status, 405);
    assert.equal(deleted, false);
  });

  it("CSRF-09 tokens minted in different seconds differ and both verify", async () => {
    const { app } = csrfApp();
    const csrf = app.middleware[1] as CSRFMiddleware;
    const key = "k".repeat(64);
    const now = Date.now();
    const first = await csrf.tokenFor(key, now);
    const second = await csrf.tokenFor(key, now - 1000);
    assert.notEqual(first, second);
    assert.ok(await csrf.isValid(first, key));
    assert.ok(await csrf.isValid(second, key));
    assert.ok(!await csrf.isValid(first, "j".repeat(64)));
  });

  it("exempt routes and views, unknown paths and wrong methods are not checked", async () => {
    const { app } = csrfApp();
    assert.equal((await call(app, "/hook", { method: "POST" })).status, 200);
    assert.equal((await call(app, "/exempt", { method: "POST" })).status, 200);
    assert.equal((await call(app, "/nowhere", { method: "POST" })).status, 404);
    app.route("/get-only", () => ({}), { allowed_methods: ["GET"] });
    assert.equal(
      (await call(app, "/get-only", { method: "POST" })).status,
      405,
    );
  });

  it("responses of requests with a session carry X-CSRF-Token; others create nothing", async () => {
    const { app } = csrfApp();
    const anonymous = await call(app, "/");
    assert.equal(anonymous.headers.get("x-csrf-token"), null);
    assert.equal(anonymous.headers.get("set-cookie"), null);
    assert.equal(rows(app).length, 0);
    const write = await call(app, "/write");
    const token = write.headers.get("x-csrf-token");
    assert.match(token ?? "", /^\d+\.[A-Za-z0-9_-]{43}$/);
    const key = keyOf(write)!;
    const csrf = app.middleware[1] as CSRFMiddleware;
    assert.ok(await csrf.isValid(token!, key));
    assert.equal(write.headers.get("cache-control"), "no-store");
  });

  it("without secret_key a key is generated once, stored, and warned about", async () => {
    const { app, log } = csrfApp({ secret_key: undefined });
    const { client, token } = await loggedInClient(app);
    assert.ok(log.lines.some((l) => l.includes("No secret_key set")));
    const stored = app.db.prepare("SELECT value FROM spiderweb_secrets").all();
    assert.equal(stored.length, 1);
    // A second app on the same database (a restart) accepts the token.
    const restarted = new SpiderwebRouter({
      db: app.db.path,
      log: recordingLogger(),
      middleware: [SessionMiddleware, CSRFMiddleware],
    });
    cleanups.push(() => restarted.close());
    restarted.route("/submit", () => ({ ok: true }), {
      allowed_methods: ["POST"],
    });
    const response = await restarted.fetch(
      new Request("http://localhost/submit", {
        method: "POST",
        headers: {
          cookie: `swsession=${client.cookies().swsession}`,
          "x-csrf-token": token,
        },
      }),
    );
    assert.equal(response.status, 200);
  });

  it("a custom 403 error route answers CSRF failures", async () => {
    const { app } = csrfApp({
      error_routes: { 403: () => new HttpResponse("custom forbidden") },
    });
    const response = await call(app, "/submit", { method: "POST" });
    assert.equal(response.status, 403);
    assert.equal(await response.text(), "custom forbidden");
  });

  it("startup checks: sessions present and above, origins well formed", () => {
    const make = (options: Record<string, unknown>) => () =>
      new SpiderwebRouter({
        log: recordingLogger(),
        db: ":memory:",
        ...options,
      });
    const fails = (options: Record<string, unknown>, text: RegExp) =>
      assert.throws(
        make(options),
        (e: unknown) =>
          e instanceof StartupErrors && e instanceof ConfigError
          && e.errors.some((x) => text.test((x as Error).message)),
      );
    fails({ middleware: [CSRFMiddleware] }, /requires SessionMiddleware/);
    fails(
      { middleware: [CSRFMiddleware, SessionMiddleware] },
      /must be listed above/,
    );
    fails({
      middleware: [SessionMiddleware, CSRFMiddleware],
      csrf_trusted_origins: ["example.com"],
    }, /add one, e\.g\. "https:\/\/example\.com"/);
    fails({
      middleware: [SessionMiddleware, CSRFMiddleware],
      csrf_max_age: "1h",
    }, /csrf_max_age/);
    assert.doesNotThrow(make({
      middleware: [
        "spiderweb.middleware.sessions.SessionMiddleware",
        "spiderweb.middleware.csrf.CSRFMiddleware",
      ],
      csrf_trusted_origins: ["https://example.com", /^https:\/\/x\.y$/],
    }));
  });
});

describe("CSRFMiddleware: rejections, Referer and the header name", () => {
  it("each rejection is logged as Forbidden (<reason>): <path>, with a generic 403 body", async () => {
    const { app, log } = csrfApp();
    const { client, token } = await loggedInClient(app);
    const cases: [Record<string, string>, RegExp][] = [
      [
        { origin: "https://evil.example" },
        /Origin checking failed - https:\/\/evil\.example does not match any trusted origins\./,
      ],
      [{}, /CSRF token missing\./],
      [
        { "x-csrf-token": `${token.slice(0, -2)}AA` },
        /CSRF token incorrect or expired\./,
      ],
      [{ "sec-fetch-site": "cross-site" }, /Cross-site request/],
    ];
    for (const [headers, reason] of cases) {
      const response = await client.post("/submit", { headers });
      assert.equal(response.status, 403);
      assert.doesNotMatch(await response.text(), /missing|incorrect|Origin/);
      const line = log.lines.at(-1) ?? "";
      assert.match(line, /^warn Forbidden \(/);
      assert.match(line, reason);
      assert.ok(line.endsWith("): /submit"), line);
    }
    const stranger = new TestClient(app);
    const response = await stranger.post("/submit", {
      headers: { "x-csrf-token": token },
    });
    assert.equal(response.status, 403);
    assert.match(
      log.lines.at(-1) ?? "",
      /Forbidden \(CSRF session not found\.\): \/submit/,
    );
  });

  it("over HTTPS, a Referer from a trusted origin passes with a token", async () => {
    const { app } = csrfApp({
      csrf_trusted_origins: ["https://partner.example"],
    });
    const { client, token } = await loggedInClient(app, "https://app.example");
    const response = await client.post("/submit", {
      headers: {
        referer: "https://partner.example/page",
        "x-csrf-token": token,
      },
    });
    assert.equal(response.status, 200);
  });

  it("over plain HTTP the Referer is not required", async () => {
    const { app } = csrfApp();
    const { client, token } = await loggedInClient(app);
    const response = await client.post("/submit", {
      headers: { "x-csrf-token": token },
    });
    assert.equal(response.status, 200);
  });

  it("csrf_header_name names the header that carries the token, both ways", async () => {
    const { app } = csrfApp({ csrf_header_name: "X-XSRF-TOKEN" });
    const { client, token } = await loggedInClient(app);
    const sent = await client.get("/token");
    assert.ok(sent.headers.get("x-xsrf-token"));
    assert.equal(sent.headers.get("x-csrf-token"), null);
    const old = await client.post("/submit", {
      headers: { "x-csrf-token": token },
    });
    assert.equal(old.status, 403);
    const ok = await client.post("/submit", {
      headers: { "x-xsrf-token": token },
    });
    assert.equal(ok.status, 200);
  });

  it("an invalid csrf_header_name is a ConfigError at startup", () => {
    assert.throws(
      () => csrfApp({ csrf_header_name: "x csrf" }),
      (error: Error) =>
        error instanceof ConfigError && /csrf_header_name/.test(String(error))
        || /csrf_header_name/.test(
          String((error as AggregateError).errors?.[0]),
        ),
    );
  });
});

describe("deriveKey()", () => {
  it("is HKDF-SHA256 (salt 'spiderweb', info = purpose): the bytes WebCrypto derives", async () => {
    const { deriveKey } = await import("../../src/security/secret_key.ts");
    const encoder = new TextEncoder();
    const material = await crypto.subtle.importKey(
      "raw",
      encoder.encode("app secret"),
      "HKDF",
      false,
      ["deriveBits"],
    );
    const bits = await crypto.subtle.deriveBits(
      {
        name: "HKDF",
        hash: "SHA-256",
        salt: encoder.encode("spiderweb"),
        info: encoder.encode("csrf"),
      },
      material,
      256,
    );
    assert.deepEqual(deriveKey("app secret", "csrf"), new Uint8Array(bits));
    assert.notDeepEqual(deriveKey("app secret", "other"), new Uint8Array(bits));
  });
});
