import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  CSRFMiddleware,
  SessionMiddleware,
  SpiderwebRouter,
  TemplateResponse,
  TestClient,
} from "../mod.ts";
import { call, recordingLogger } from "./_helpers.ts";
import { rows, sessionApp } from "./middleware/_session_helpers.ts";

const templates = fileURLToPath(
  new URL("./testdata/templates", import.meta.url),
);
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function templateApp(options: Record<string, unknown> = {}) {
  const log = recordingLogger();
  const app = new SpiderwebRouter({
    log,
    templates_dirs: [templates],
    static_url: "blorp",
    ...options,
  });
  app.route("/item/<int:id>", () => ({}), { name: "item" });
  app.route("/pair/<a>/<b>", () => ({}), { name: "pair" });
  app.route("/page", (request) =>
    new TemplateResponse(request, {
      template_path: "page.html",
      context: { message: "<script>alert(1)</script>" },
    }));
  app.route("/string", (request) =>
    new TemplateResponse(request, {
      template_string: "{{ a }} {% url 'item' id=7 %}",
      context: { a: "<b>" },
    }));
  app.route(
    "/missing",
    (request) => new TemplateResponse(request, { template_path: "nope.html" }),
  );
  app.route(
    "/broken",
    (request) =>
      new TemplateResponse(request, { template_path: "broken.html" }),
  );
  return { app, log };
}

describe("TemplateResponse", () => {
  it("renders files with autoescape, static and url tags, and request", async () => {
    const { app } = templateApp();
    const response = await call(app, "/page");
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.ok(html.includes("href=\"/blorp/css/site.css\""), html);
    assert.ok(html.includes("href=\"/item/3\""), html);
    assert.ok(html.includes("href=\"/pair/1/x%20y\""), html);
    assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
    assert.ok(html.includes("<p>/page</p>"), html);
  });

  it("template_string works with and without templates_dirs", async () => {
    const { app } = templateApp();
    assert.equal(
      await (await call(app, "/string")).text(),
      "&lt;b&gt; /item/7",
    );
    const bare = new SpiderwebRouter({ log: recordingLogger() });
    bare.route(
      "/",
      (request) =>
        new TemplateResponse(request, { template_string: "{{ 1 + 1 }}" }),
    );
    assert.equal(await (await call(bare, "/")).text(), "2");
  });

  it("a missing template or a render error is a logged 500 naming it", async () => {
    const { app, log } = templateApp();
    assert.equal((await call(app, "/missing")).status, 500);
    assert.ok(log.lines.some((l) => l.includes("Template 'nope.html' failed")));
    assert.equal((await call(app, "/broken")).status, 500);
    assert.ok(
      log.lines.some((l) => l.includes("Template 'broken.html' failed")),
    );
  });

  it("keeps the original's messages for a missing template or loader", async () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log });
    app.route("/none", (request) => new TemplateResponse(request, {}));
    app.route(
      "/noloader",
      (request) => new TemplateResponse(request, { template_path: "x.html" }),
    );
    assert.equal((await call(app, "/none")).status, 500);
    assert.ok(
      log.lines.some((l) =>
        l.includes("TemplateResponse requires a template.")
      ),
    );
    assert.equal((await call(app, "/noloader")).status, 500);
    assert.ok(
      log.lines.some((l) =>
        l.includes(
          "TemplateResponse has no loader. Did you set templates_dirs?",
        )
      ),
    );
  });

  it("csrf_token renders a hidden input and creates the session only when used", async () => {
    const context = sessionApp({
      secret_key: "s",
      templates_dirs: [templates],
      middleware: [SessionMiddleware, CSRFMiddleware],
    });
    cleanups.push(context.cleanup);
    const { app } = context;
    app.route(
      "/form",
      (request) =>
        new TemplateResponse(request, { template_path: "form.html" }),
    );
    app.route(
      "/plain",
      (request) =>
        new TemplateResponse(request, { template_string: "no token here" }),
    );
    app.route("/raw", (request) =>
      new TemplateResponse(request, {
        template_string: "{{ csrf_token_raw }}|{{ raw_csrf_token }}",
      }));
    const plain = await call(app, "/plain");
    assert.equal(plain.headers.get("set-cookie"), null);
    assert.equal(rows(app).length, 0);
    const client = new TestClient(app);
    const form = await client.get("/form");
    const html = await form.text();
    const token = /value="([^"]+)"/.exec(html)?.[1];
    assert.match(
      html,
      /<input type="hidden" name="csrf_token" value="\d+\.[A-Za-z0-9_-]+">/,
    );
    assert.equal(rows(app).length, 1);
    assert.ok(form.headers.get("x-csrf-token"));
    const submit = await client.post("/write", {
      form: { csrf_token: token! },
    });
    assert.equal(submit.status, 200);
    const raw = await (await client.get("/raw")).text();
    const [a, b] = raw.split("|");
    assert.match(a, /^\d+\.[A-Za-z0-9_-]{43}$/);
    assert.equal(a, b);
  });
});
