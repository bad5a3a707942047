import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  APIError,
  BadRequest,
  ConfigError,
  Forbidden,
  HttpResponse,
  JsonResponse,
  NotFound,
  ServerCheck,
  SpiderwebMiddleware,
  SpiderwebNetworkException,
  type SpiderwebRequest,
  SpiderwebRouter,
  StartupErrors,
  UnusedMiddleware,
} from "../mod.ts";
import type { ResponseBody } from "../mod.ts";
import { call, recordingLogger } from "./_helpers.ts";

function tracer(events: string[], name: string, shortCircuit = false) {
  return class extends SpiderwebMiddleware {
    override processRequest(_request: SpiderwebRequest) {
      events.push(`${name}.request`);
      if (shortCircuit) return new HttpResponse("short", { status_code: 202 });
    }
    override processResponse(_r: SpiderwebRequest, response: HttpResponse) {
      events.push(`${name}.response`);
      response.headers.append("x-trace", name);
    }
    override postProcess(
      _r: SpiderwebRequest,
      _response: HttpResponse,
      body: ResponseBody | null,
    ) {
      events.push(`${name}.post`);
      return body;
    }
  };
}

describe("SpiderwebMiddleware hooks", () => {
  it("request hooks run top to bottom, response hooks bottom to top", async () => {
    const events: string[] = [];
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [tracer(events, "A"), tracer(events, "B")],
    });
    app.route("/", () => {
      events.push("view");
      return new HttpResponse("ok");
    });
    const response = await call(app, "/");
    assert.deepEqual(events, [
      "A.request",
      "B.request",
      "view",
      "B.response",
      "A.response",
      "B.post",
      "A.post",
    ]);
    assert.equal(response.headers.get("x-trace"), "B, A");
  });

  it("a short-circuit skips the view; processResponse still runs exactly once", async () => {
    const events: string[] = [];
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [
        tracer(events, "A"),
        tracer(events, "B", true),
        tracer(events, "C"),
      ],
    });
    app.route("/", () => {
      events.push("view");
      return new HttpResponse("ok");
    });
    const response = await call(app, "/");
    assert.equal(response.status, 202);
    assert.deepEqual(events, [
      "A.request",
      "B.request",
      "C.response",
      "B.response",
      "A.response",
      "C.post",
      "B.post",
      "A.post",
    ]);
  });

  it("plain-object returns, error views and automatic responses get processResponse", async () => {
    const events: string[] = [];
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [tracer(events, "A")],
    });
    app.route("/obj", () => ({ a: 1 }), { allowed_methods: ["GET"] });
    for (
      const [method, path] of [
        ["GET", "/obj"],
        ["GET", "/missing"],
        ["POST", "/obj"],
        ["OPTIONS", "/obj"],
      ]
    ) {
      events.length = 0;
      const response = await call(app, path, { method });
      assert.equal(response.headers.get("x-trace"), "A", `${method} ${path}`);
      assert.equal(events.filter((e) => e === "A.response").length, 1);
    }
  });

  it("async hooks are awaited; postProcess may replace the body", async () => {
    class Upper extends SpiderwebMiddleware {
      override async postProcess(
        _r: SpiderwebRequest,
        _response: HttpResponse,
        body: ResponseBody | null,
      ) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return String(body).toUpperCase();
      }
    }
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [Upper],
    });
    app.route("/", () => new HttpResponse("hello"));
    assert.equal(await (await call(app, "/")).text(), "HELLO");
  });

  it("UnusedMiddleware removes the middleware for good", async () => {
    let calls = 0;
    class Once extends SpiderwebMiddleware {
      override processRequest() {
        calls++;
        throw new UnusedMiddleware();
      }
    }
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [Once],
    });
    app.route("/", () => ({ ok: true }));
    assert.equal((await call(app, "/")).status, 200);
    assert.equal((await call(app, "/")).status, 200);
    assert.equal(calls, 1);
    assert.equal(app.middleware.length, 0);
  });

  it("onError hooks answer non-network errors, first response wins", async () => {
    class Rescue extends SpiderwebMiddleware {
      override onError(_request: SpiderwebRequest, error: unknown) {
        if (error instanceof RangeError) {
          return new JsonResponse({ rescued: error.message }, {
            status_code: 418,
          });
        }
      }
    }
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log, middleware: [Rescue] });
    app.route("/range", () => {
      throw new RangeError("out");
    });
    app.route("/type", () => {
      throw new TypeError("bad");
    });
    const rescued = await call(app, "/range");
    assert.equal(rescued.status, 418);
    assert.deepEqual(await rescued.json(), { rescued: "out" });
    assert.equal((await call(app, "/type")).status, 500);
    assert.ok(
      log.lines.some((l) => l.startsWith("error") && l.includes("bad")),
    );
  });
});

describe("middleware configuration", () => {
  it("an unknown dotted name is a ConfigError naming it", () => {
    assert.throws(
      () =>
        new SpiderwebRouter({ middleware: ["spiderweb.middleware.nope.Nope"] }),
      (e: unknown) =>
        e instanceof ConfigError
        && e.message
          === "Middleware 'spiderweb.middleware.nope.Nope' not found.",
    );
  });

  it("every failing check is raised together as StartupErrors", () => {
    class FailA extends ServerCheck {
      override check() {
        return new ConfigError("A is wrong");
      }
    }
    class FailB extends ServerCheck {
      override check(): undefined {
        throw new ConfigError("B is wrong");
      }
    }
    class Passes extends ServerCheck {}
    class Checked extends SpiderwebMiddleware {
      static override checks = [FailA, FailB, Passes];
    }
    assert.throws(
      () =>
        new SpiderwebRouter({ log: recordingLogger(), middleware: [Checked] }),
      (e: unknown) =>
        e instanceof StartupErrors && e instanceof AggregateError
        && e.errors.length === 2
        && e.message
          === "Problems were identified during startup \u2014 cannot continue.",
    );
  });
});

describe("error handling", () => {
  it("network exceptions answer with their own status and the text page", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    const errors: [string, Error][] = [
      ["/400", new BadRequest()],
      ["/403", new Forbidden()],
      ["/404", new NotFound()],
      ["/409", new APIError(409, "Conflict", "Taken")],
      ["/boom", new SpiderwebNetworkException("Boom!", "x", "y")],
    ];
    for (const [path, error] of errors) {
      app.route(path, () => {
        throw error;
      });
    }
    for (
      const [path, status] of [["/400", 400], ["/403", 403], ["/404", 404], [
        "/409",
        409,
      ], ["/boom", 500]] as const
    ) {
      const response = await call(app, path);
      assert.equal(response.status, status, path);
      assert.equal(
        response.headers.get("content-type"),
        "text/plain; charset=utf-8",
      );
    }
    const text = await (await call(app, "/409")).text();
    assert.equal(
      text,
      "Something went wrong.\n\nCode: 409\n\nMsg: Conflict\n\nDesc: Taken",
    );
    assert.match(await (await call(app, "/boom")).text(), /Code: Boom!/);
  });

  it("a custom error route answers its code; a 200 becomes that code", async () => {
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      error_routes: {
        404: (request) => new HttpResponse(`nothing at ${request.path}`),
      },
    });
    app.error(403)((request) => ({
      why: (request.error as Error)?.message ?? "host",
    }));
    app.route("/f", () => {
      throw new Forbidden("no way");
    });
    const missing = await call(app, "/nope");
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), "nothing at /nope");
    const forbidden = await call(app, "/f");
    assert.equal(forbidden.status, 403);
    assert.deepEqual(await forbidden.json(), { why: "no way" });
    assert.throws(
      () => app.addErrorRoute(404, () => ({})),
      /Error route for code 404 already exists\./,
    );
  });

  it("other exceptions give the 500 view (custom if registered) and are logged", async () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log });
    app.route("/", () => {
      throw new Error("kaput");
    });
    const response = await call(app, "/");
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { error: "Internal server error" });
    assert.ok(
      log.lines.some((l) => l.includes("GET /") && l.includes("kaput")),
    );
    app.addErrorRoute(500, () => new HttpResponse("custom 500"));
    const custom = await call(app, "/");
    assert.equal(custom.status, 500);
    assert.equal(await custom.text(), "custom 500");
  });

  it("a view returning nothing is a logged 500 naming the view", async () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log });
    app.route("/", function silentView() {});
    app.route("/s", () => "text" as unknown as HttpResponse);
    assert.equal((await call(app, "/")).status, 500);
    assert.ok(
      log.lines.some((l) => l.includes("View silentView returned undefined")),
    );
    assert.equal((await call(app, "/s")).status, 500);
    assert.ok(log.lines.some((l) => l.includes("returned a string")));
  });

  it("a failure in processResponse or postProcess is a real 500", async () => {
    class Broken extends SpiderwebMiddleware {
      override postProcess(): never {
        throw new Error("post failed");
      }
    }
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [Broken],
    });
    app.route("/", () => new HttpResponse("ok"));
    const response = await call(app, "/");
    assert.equal(response.status, 500);
  });

  it("middleware exceptions are handled like view errors", async () => {
    class Deny extends SpiderwebMiddleware {
      override processRequest(): never {
        throw new Forbidden();
      }
    }
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [Deny],
    });
    app.route("/", () => new HttpResponse("ok"));
    assert.equal((await call(app, "/")).status, 403);
  });
});

describe("lifecycle without a socket", () => {
  it("on_startup runs once before the first request; on_shutdown on close()", async () => {
    const events: string[] = [];
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      on_startup: [async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push("startup");
      }],
      on_shutdown: [() => {
        events.push("shutdown");
      }, () => {
        throw new Error("ignored");
      }],
    });
    app.route("/", () => {
      events.push("request");
      return { ok: true };
    });
    await Promise.all([call(app, "/"), call(app, "/")]);
    await app.close();
    assert.deepEqual(events, ["startup", "request", "request", "shutdown"]);
  });
});
