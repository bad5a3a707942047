// What a new user meets first: typo-proof settings, Web-standard habits,
// and a request log.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  GeneralException,
  HttpResponse,
  JsonResponse,
  SessionMiddleware,
  SpiderwebRouter,
  TestClient,
} from "../mod.ts";
import { call, recordingLogger, tempDir } from "./_helpers.ts";

describe("settings you cannot mistype", () => {
  it("an unknown setting is a type error, and at run time is kept in extra_data with a warning naming the nearest setting", () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({
      log,
      // @ts-expect-error: not a setting (`templates_dirs` is); TypeScript
      // reports the first unknown key of a literal, the run time all of them.
      templates_dir: "templates",
      debg: true,
      colour: "blue",
    });
    assert.equal(app.extra_data.templates_dir, "templates");
    assert.equal(app.debug, false);
    const warnings = log.lines.filter((l) => l.startsWith("warn"));
    assert.ok(
      warnings.some((l) =>
        l.includes(
          "Unknown setting \"templates_dir\"; did you mean \"templates_dirs\"?",
        )
      ),
      warnings.join("\n"),
    );
    assert.ok(
      warnings.some((l) =>
        l.includes("Unknown setting \"debg\"; did you mean \"debug\"?")
      ),
    );
    assert.ok(
      warnings.some((l) =>
        l.includes("Unknown setting \"colour\"") && !l.includes("did you mean")
      ),
    );
  });

  it("extra_data holds your own values, without a warning", () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log, extra_data: { greeting: "hi" } });
    app.route(
      "/",
      (request) => ({ greeting: request.server.extra_data.greeting }),
    );
    assert.deepEqual(app.extra_data, { greeting: "hi" });
    assert.equal(log.lines.filter((l) => l.startsWith("warn")).length, 0);
  });

  it("every known setting is accepted without a warning", () => {
    const log = recordingLogger();
    new SpiderwebRouter({
      log,
      session_max_age: 60,
      session_expire_at_browser_close: false,
      csrf_header_name: "X-CSRF-Token",
      cors_allow_credentials: false,
      gzip_compression_level: 6,
      static_url: "static",
      templates_dirs: [],
      log_requests: false,
    });
    assert.deepEqual(log.lines.filter((l) => l.startsWith("warn")), []);
  });

  it("{ status: 201 } is an error naming status_code", () => {
    assert.throws(
      // @ts-expect-error: the key is `status_code`
      () => new HttpResponse("x", { status: 201 }),
      (error: Error) =>
        error instanceof GeneralException
        && /Unknown response option "status"; did you mean "status_code"\?/
          .test(error.message),
    );
    assert.throws(
      // @ts-expect-error: a typo
      () => new JsonResponse({ a: 1 }, { header: {} }),
      /Unknown response option "header"; did you mean "headers"\?/,
    );
    assert.throws(
      // @ts-expect-error: the key is `status_code`
      () => new HttpResponse({ body: "x", status: 201 }),
      /status_code/,
    );
  });
});

describe("views may return a Fetch Response", () => {
  it("its status, headers and body are sent, and the middleware runs on it", async () => {
    const temp = tempDir();
    const app = new SpiderwebRouter({
      db: `${temp.dir}/app.db`,
      log: recordingLogger(),
      middleware: [SessionMiddleware],
    });
    app.route("/made", (request) => {
      request.SESSION.seen = true;
      return new Response("made", {
        status: 201,
        headers: { "content-type": "text/plain", "x-custom": "1" },
      });
    });
    app.route("/stream", () =>
      new Response(
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("chunk"));
            controller.close();
          },
        }),
      ));
    const response = await call(app, "/made");
    assert.equal(response.status, 201);
    assert.equal(await response.text(), "made");
    assert.equal(response.headers.get("content-type"), "text/plain");
    assert.equal(response.headers.get("x-custom"), "1");
    assert.match(response.headers.get("set-cookie") ?? "", /^swsession=/);
    const streamed = await call(app, "/stream");
    assert.equal(await streamed.text(), "chunk");
    await app.close();
    temp.cleanup();
  });
});

describe("the request log", () => {
  it("a request from a socket is logged as METHOD path?query status duration", async () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log, port: 0, addr: "127.0.0.1" });
    app.route("/user/<int:id>", (_request, { id }) => ({ id }));
    const server = await app.start({ handleSignals: false });
    try {
      const response = await fetch(new URL("/user/42?q=a", server.url));
      await response.body?.cancel();
      const missing = await fetch(new URL("/nope", server.url));
      await missing.body?.cancel();
    } finally {
      await server.stop();
    }
    const lines = log.lines.filter((l) => /^info (GET|POST) /.test(l));
    assert.match(lines[0], /^info GET \/user\/42\?q=a 200 \d+\.\d\dms$/);
    assert.match(lines[1], /^info GET \/nope 404 \d+\.\d\dms$/);
  });

  it("log_requests: false turns it off; in-process calls are not logged unless TestClient asks", async () => {
    const quiet = recordingLogger();
    const off = new SpiderwebRouter({
      log: quiet,
      port: 0,
      addr: "127.0.0.1",
      log_requests: false,
    });
    off.route("/", () => ({}));
    const server = await off.start({ handleSignals: false });
    try {
      await (await fetch(server.url)).body?.cancel();
    } finally {
      await server.stop();
    }
    assert.equal(quiet.lines.filter((l) => l.startsWith("info GET")).length, 0);
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log });
    app.route("/", () => ({}));
    await app.fetch(new Request("http://localhost/"));
    await new TestClient(app).get("/");
    assert.equal(log.lines.filter((l) => l.startsWith("info GET")).length, 0);
    await new TestClient(app, { log_requests: true }).get("/?x=1");
    assert.ok(log.lines.some((l) => /^info GET \/\?x=1 200 /.test(l)));
  });

  it("deno serve and Bun's default export (fetch with server info) are logged", async () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log });
    app.route("/", () => ({}));
    await app.fetch(
      new Request("http://localhost/", { headers: { host: "localhost" } }),
      { remoteAddress: "127.0.0.1" },
    );
    assert.ok(log.lines.some((l) => /^info GET \/ 200 /.test(l)));
  });
});

describe("the debug error page", () => {
  function debugApp(debug: boolean) {
    const temp = tempDir();
    const log = recordingLogger();
    const app = new SpiderwebRouter({
      debug,
      log,
      db: `${temp.dir}/app.db`,
      middleware: [SessionMiddleware],
    });
    app.route("/boom", function explodingView(request) {
      request.SESSION.cart = ["apple"];
      request.SESSION.api_token = "session-secret-value";
      throw new RangeError("the cart is full");
    }, { allowed_methods: ["GET", "POST"] });
    return { app, log, cleanup: temp.cleanup };
  }
  const requestInit = (accept: string) => ({
    method: "POST",
    headers: {
      accept,
      authorization: "Bearer very-secret",
      cookie: "theme=dark; other=cookie-secret",
      "x-trace": "visible-header",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "name=ann&password=hunter2&csrf_token=tok-secret",
  });

  it("browsers get a page with the exception, the stack (app frames first) and the request, secrets masked", async () => {
    const { app, cleanup } = debugApp(true);
    const response = await call(
      app,
      "/boom?q=find&signature=sig-secret",
      requestInit("text/html,*/*"),
    );
    assert.equal(response.status, 500);
    assert.match(response.headers.get("content-type") ?? "", /text\/html/);
    const page = await response.text();
    assert.match(page, /RangeError/);
    assert.match(page, /the cart is full/);
    const stack = page.slice(page.indexOf("<pre>"), page.indexOf("</pre>"));
    assert.ok(stack.indexOf("developer_experience_test") !== -1, stack);
    const framework = stack.search(/src[\\/]core[\\/]/);
    if (framework !== -1) {
      assert.ok(stack.indexOf("developer_experience_test") < framework);
    }
    for (const visible of ["visible-header", "ann", "find", "apple", "theme"]) {
      assert.ok(page.includes(visible), visible);
    }
    for (
      const secret of [
        "very-secret",
        "cookie-secret",
        "dark",
        "hunter2",
        "tok-secret",
        "sig-secret",
        "session-secret-value",
      ]
    ) {
      assert.ok(!page.includes(secret), secret);
    }
    cleanup();
  });

  it("API clients get the same fields as JSON", async () => {
    const { app, cleanup } = debugApp(true);
    const response = await call(app, "/boom", requestInit("application/json"));
    assert.equal(response.status, 500);
    const report = await response.json();
    assert.equal(report.exception.type, "RangeError");
    assert.equal(report.exception.message, "the cart is full");
    assert.ok(Array.isArray(report.exception.stack));
    assert.equal(report.request.form.name, "ann");
    assert.notEqual(report.request.form.password, "hunter2");
    assert.notEqual(report.request.headers.authorization, "Bearer very-secret");
    assert.deepEqual(Object.keys(report.request.cookies), ["theme", "other"]);
    assert.ok(Object.values(report.request.cookies).every((v) => v !== "dark"));
    cleanup();
  });

  it("with debug: false nothing of the error reaches the client", async () => {
    const { app, cleanup } = debugApp(false);
    const response = await call(app, "/boom", requestInit("text/html"));
    assert.equal(response.status, 500);
    const body = await response.text();
    assert.equal(body, "{\"error\":\"Internal server error\"}");
    cleanup();
  });

  it("a template syntax error shows the template's name and line", async () => {
    const temp = tempDir();
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      `${temp.dir}/broken.html`,
      "<p>fine</p>\n<p>{% if %}</p>\n",
    );
    const { TemplateResponse } = await import("../mod.ts");
    const app = new SpiderwebRouter({
      debug: true,
      log: recordingLogger(),
      templates_dirs: [temp.dir],
    });
    app.route(
      "/",
      (request) =>
        new TemplateResponse(request, { template_path: "broken.html" }),
    );
    const response = await call(app, "/", { headers: { accept: "text/html" } });
    assert.equal(response.status, 500);
    const page = await response.text();
    assert.match(page, /broken\.html/);
    assert.match(page, /Line 2/);
    temp.cleanup();
  });
});
