// CSRF at the edges mutation testing found: token format and lifetime at
// their exact bounds, the own origin over HTTP, late exemptions, settings
// checks, and the middleware without sessions.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  csrfExempt,
  CSRFMiddleware,
  HttpResponse,
  JsonResponse,
  SessionMiddleware,
  SpiderwebMiddleware,
  type SpiderwebRequest,
  TemplateResponse,
  TestClient,
} from "../../mod.ts";
import { CsrfTokens } from "../../src/security/csrf_token.ts";
import { deriveKey } from "../../src/security/secret_key.ts";
import { recordingLogger } from "../_helpers.ts";
import { sessionApp } from "./_session_helpers.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

// Runs `check` with a `now` that stays within one wall-clock second, so a
// token minted relative to it is exactly as old as intended when verified.
function withinOneSecond(check: (now: number) => void): void {
  for (;;) {
    const now = Date.now();
    check(now);
    if (Math.floor(Date.now() / 1000) === Math.floor(now / 1000)) return;
  }
}

describe("CSRF tokens", () => {
  const tokens = new CsrfTokens(() => "secret", 3600);

  it("are the HMAC of time and session key, with the app secret's csrf key", () => {
    const now = 1_700_000_000_123;
    const mac = createHmac("sha256", deriveKey("secret", "csrf"))
      .update("1700000000|session").digest("base64url");
    assert.equal(tokens.mint("session", now), `1700000000.${mac}`);
  });

  it("must be exactly the token: nothing before or after it", () => {
    const token = tokens.mint("s");
    assert.ok(tokens.verify(token, "s"));
    assert.equal(tokens.verify(`x${token}`, "s"), false);
    assert.equal(tokens.verify(`${token}x`, "s"), false);
    assert.equal(tokens.verify(`${token}\n`, "s"), false);
  });

  it("live exactly max_age seconds, and at most 60 seconds of clock skew", () => {
    withinOneSecond((now) => {
      assert.ok(tokens.verify(tokens.mint("s", now - 3600_000), "s"));
      assert.equal(tokens.verify(tokens.mint("s", now - 3601_000), "s"), false);
      assert.ok(tokens.verify(tokens.mint("s", now + 60_000), "s"));
      assert.equal(tokens.verify(tokens.mint("s", now + 61_000), "s"), false);
    });
  });
});

function csrfApp(options: Record<string, unknown> = {}) {
  const context = sessionApp({
    secret_key: "edges",
    middleware: [SessionMiddleware, CSRFMiddleware],
    ...options,
  });
  cleanups.push(context.cleanup);
  const { app } = context;
  app.route("/token", async (request) => ({
    token: await request.csrfToken(),
  }));
  return context;
}

describe("CSRFMiddleware settings", () => {
  it("csrf_max_age defaults to an hour", () => {
    const { app } = csrfApp();
    const csrf = app.middleware.find((m) => m instanceof CSRFMiddleware)!;
    assert.equal(csrf.maxAge, 3600);
    const { app: short } = csrfApp({ csrf_max_age: 60 });
    assert.equal(
      short.middleware.find((m) => m instanceof CSRFMiddleware)!.maxAge,
      60,
    );
  });

  it("a header name that is not a string, or origins that are not a list, stop the start", () => {
    for (
      const [options, message] of [
        [{ csrf_header_name: 42 }, /Invalid csrf_header_name: 42/],
        [
          { csrf_trusted_origins: "https://a.example" },
          /Invalid csrf_trusted_origins: expected a list/,
        ],
      ] as const
    ) {
      assert.throws(
        () => csrfApp(options),
        (error: { errors?: Error[] }) =>
          (error.errors ?? []).some((e) => message.test(e.message)),
      );
    }
  });
});

describe("CSRFMiddleware requests", () => {
  it("over HTTP, the own Origin or no Origin pass with a valid token", async () => {
    const { app } = csrfApp();
    app.route("/submit", () => ({ ok: true }), { allowed_methods: ["POST"] });
    const client = new TestClient(app, { baseUrl: "http://app.example" });
    const { token } = await (await client.get("/token")).json();
    for (const origin of ["http://app.example", undefined]) {
      const headers: Record<string, string> = { "x-csrf-token": token };
      if (origin) headers.origin = origin;
      const response = await client.post("/submit", { headers });
      assert.equal(response.status, 200, String(origin));
    }
  });

  it("a catch-all RegExp in csrf_trusted_origins never trusts a request without Origin", async () => {
    const { app } = csrfApp({ csrf_trusted_origins: [/.*/] });
    app.route("/submit", () => ({ ok: true }), { allowed_methods: ["POST"] });
    const client = new TestClient(app);
    assert.equal((await client.post("/submit")).status, 403);
    const trusted = await client.post("/submit", {
      headers: { origin: "https://anything.example" },
    });
    assert.equal(trusted.status, 200);
  });

  it("responses carry a fresh token with Cache-Control: no-store, server errors none", async () => {
    const { app } = csrfApp();
    app.route("/status/<int:code>", (request, { code }) => {
      request.SESSION.seen = true;
      return new HttpResponse("x", { status_code: Number(code) });
    });
    const client = new TestClient(app);
    for (const code of [200, 404, 499]) {
      const response = await client.get(`/status/${code}`);
      assert.match(
        response.headers.get("x-csrf-token") ?? "",
        /^\d+\./,
        String(code),
      );
      assert.equal(response.headers.get("cache-control"), "no-store");
    }
    for (const code of [500, 503]) {
      const response = await client.get(`/status/${code}`);
      assert.equal(response.headers.get("x-csrf-token"), null, String(code));
    }
  });

  it("a middleware class that declares no checks sits beside CSRFMiddleware", () => {
    class Plain {
      server: unknown;
      constructor(server: unknown) {
        this.server = server;
      }
      processRequest() {}
    }
    const { app } = csrfApp({
      middleware: [Plain, SessionMiddleware, CSRFMiddleware],
    });
    assert.equal(app.middleware.length, 3);
  });

  it("a view marked exempt after it was routed is exempt; one marked false is not", async () => {
    const { app } = csrfApp();
    const late = () => ({ late: true });
    const notExempt = Object.assign(() => ({}), { csrf_exempt: false });
    app.route("/late", late, { allowed_methods: ["POST"] });
    app.route("/not", notExempt, { allowed_methods: ["POST"] });
    csrfExempt(late);
    const client = new TestClient(app);
    assert.equal((await client.post("/late")).status, 200);
    assert.equal((await client.post("/not")).status, 403);
  });

  it("a Referer that is not a URL with a host is logged as malformed", async () => {
    const log = recordingLogger();
    const { app } = csrfApp({ log });
    app.route("/submit", () => ({}), { allowed_methods: ["POST"] });
    const client = new TestClient(app, { baseUrl: "https://app.example" });
    const { token } = await (await client.get("/token")).json();
    const response = await client.post("/submit", {
      headers: { "x-csrf-token": token, referer: "mailto:someone" },
    });
    assert.equal(response.status, 403);
    assert.ok(
      log.lines.some((l) =>
        l.includes("Referer checking failed - Referer is malformed.")
      ),
      log.lines.join("\n"),
    );
  });

  it("template tokens serialise as their text (JSON)", async () => {
    const { app } = csrfApp();
    app.route("/json", (request) =>
      new TemplateResponse(request, {
        template_string: "{{ csrf_token_raw | dump | safe }}",
      }));
    const text = await (await new TestClient(app).get("/json")).text();
    assert.match(text, /^"\d+\.[A-Za-z0-9_-]{43}"$/);
  });
});

// A middleware above SessionMiddleware that answers some requests itself:
// the CSRF hooks then meet requests that have no session.
class Early extends SpiderwebMiddleware {
  override async processRequest(request: SpiderwebRequest) {
    if (request.path === "/early-token") {
      try {
        return new JsonResponse({ token: await request.csrfToken() });
      } catch (error) {
        return new JsonResponse({ error: (error as Error).message });
      }
    }
    if (request.path === "/early-page") {
      return new TemplateResponse(request, {
        template_string: "early[{{ csrf_token_raw }}]",
      });
    }
  }
}

describe("CSRFMiddleware on a request without a session", () => {
  it("tokens are refused with a clear error; pages render without one", async () => {
    const { app } = csrfApp({
      middleware: [Early, SessionMiddleware, CSRFMiddleware],
    });
    const client = new TestClient(app);
    assert.deepEqual(await (await client.get("/early-token")).json(), {
      error: "CSRFMiddleware requires SessionMiddleware",
    });
    const page = await client.get("/early-page");
    assert.equal(page.status, 200);
    assert.equal(await page.text(), "early[]");
    assert.equal(page.headers.get("x-csrf-token"), null);
  });
});
