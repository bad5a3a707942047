import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import {
  ConfigError,
  SpiderwebRouter,
  StartupErrors,
  ValidationMiddleware,
} from "../../mod.ts";
import { call, recordingLogger } from "../_helpers.ts";

const CommentForm = z.object({
  email: z.email(),
  comment: z.string(),
});

function validationApp() {
  const app = new SpiderwebRouter({
    log: recordingLogger(),
    middleware: ["spiderweb.middleware.pydantic.PydanticMiddleware"],
  });
  app.route("/comment", (request) => ({ data: request.validated_data }), {
    schema: CommentForm,
  });
  const view = Object.assign(
    (request: { validated_data: unknown }) => ({
      data: request.validated_data,
    }),
    { schema: z.object({ n: z.coerce.number().int() }) },
  );
  app.route("/attached", view);
  app.route("/free", (request) => ({ data: request.validated_data ?? null }));
  return app;
}

const form = (body: Record<string, string>, method = "POST") => ({
  method,
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(body).toString(),
});

describe("ValidationMiddleware", () => {
  it("puts the schema's output in validated_data for forms and JSON", async () => {
    const app = validationApp();
    const ok = await call(
      app,
      "/comment",
      form({ email: "a@b.co", comment: "hi" }),
    );
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {
      data: { email: "a@b.co", comment: "hi" },
    });
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const json = await call(app, "/comment", {
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "x@y.co", comment: "c" }),
      });
      assert.equal(json.status, 200, method);
    }
  });

  it("answers 400 with the original's body on invalid input", async () => {
    const app = validationApp();
    const response = await call(app, "/comment", form({ email: "nope" }));
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.message, "Validation error");
    assert.ok(body.errors.some((e: string) => e.startsWith("email: ")));
    assert.ok(body.errors.some((e: string) => e.startsWith("comment: ")));
  });

  it("uses a schema attached to the view; GET and routes without one are skipped", async () => {
    const app = validationApp();
    const ok = await call(app, "/attached", form({ n: "42" }));
    assert.deepEqual(await ok.json(), { data: { n: 42 } });
    assert.equal((await call(app, "/attached", form({ n: "x" }))).status, 400);
    assert.equal((await call(app, "/comment")).status, 200);
    assert.deepEqual(
      await (await call(app, "/free", form({ a: "1" }))).json(),
      {
        data: null,
      },
    );
  });

  it("query_schema validates the query string of any method", async () => {
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [ValidationMiddleware],
    });
    app.route("/list", (request) => ({ query: request.validated_query }), {
      query_schema: z.object({ page: z.coerce.number().int().min(1) }),
    });
    assert.deepEqual(await (await call(app, "/list?page=2&page=3")).json(), {
      query: { page: 3 },
    });
    const bad = await call(app, "/list?page=x");
    assert.equal(bad.status, 400);
    assert.ok((await bad.json()).errors[0].startsWith("page: "));
    assert.equal((await call(app, "/list", form({}))).status, 400);
  });

  it("invalid JSON is a 400, never a 500", async () => {
    const app = validationApp();
    const response = await call(app, "/comment", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    assert.equal(response.status, 400);
  });

  it("a schema that is not a Standard Schema fails the startup check", () => {
    assert.throws(
      () =>
        new SpiderwebRouter({
          log: recordingLogger(),
          middleware: [ValidationMiddleware],
          routes: [["/x", () => ({}), { schema: { parse() {} } }]],
        }),
      (e: unknown) => e instanceof StartupErrors && e instanceof ConfigError,
    );
  });

  it("onError can be overridden", async () => {
    class Custom extends ValidationMiddleware {
      override onError(_request: unknown, error: unknown) {
        const response = super.onError(_request as never, error);
        if (response) response.status_code = 422;
        return response;
      }
    }
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [Custom],
    });
    app.route("/c", () => ({}), { schema: CommentForm });
    assert.equal((await call(app, "/c", form({}))).status, 422);
  });
});
