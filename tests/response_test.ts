import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  GeneralException,
  HttpResponse,
  JsonResponse,
  QueryDict,
  RedirectResponse,
  SpiderwebRouter,
} from "../mod.ts";
import { call, recordingLogger } from "./_helpers.ts";

describe("HttpResponse", () => {
  it("has the default headers and an empty body when none is given", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/", () => new HttpResponse());
    const response = await call(app, "/");
    assert.equal(
      response.headers.get("content-type"),
      "text/html; charset=utf-8",
    );
    assert.equal(response.headers.get("server"), "Spiderweb");
    assert.match(response.headers.get("date") ?? "", /GMT$/);
    assert.equal(await response.text(), "");
  });

  it("accepts the options form and the positional form", () => {
    const a = new HttpResponse({ body: "x", status_code: 201 });
    const b = new HttpResponse("x", { status_code: 201 });
    assert.equal(a.status_code, 201);
    assert.equal(a.toString(), b.toString());
  });

  it("keeps underscores in header names and a vary string as one value", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/", () =>
      new HttpResponse("x", {
        headers: { X_Custom: "1", vary: "Accept, Cookie" },
      }));
    const response = await call(app, "/");
    assert.equal(response.headers.get("x_custom"), "1");
    assert.equal(response.headers.get("vary"), "Accept, Cookie");
  });

  it("sends bytes and streams", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/bytes", () => new HttpResponse(new TextEncoder().encode("b")));
    app.route("/stream", () =>
      new HttpResponse(
        new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode("s1"));
            c.enqueue(new TextEncoder().encode("s2"));
            c.close();
          },
        }),
      ));
    assert.equal(await (await call(app, "/bytes")).text(), "b");
    assert.equal(await (await call(app, "/stream")).text(), "s1s2");
  });

  it("an invalid status_code is a logged 500", async () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log });
    app.route("/", () => new HttpResponse("x", { status_code: 99 }));
    assert.equal((await call(app, "/")).status, 500);
    assert.ok(log.lines.some((l) => l.includes("Invalid status_code")));
  });
});

describe("JsonResponse", () => {
  it("renders its first argument as JSON", () => {
    assert.equal(new JsonResponse({ a: 1 }).toString(), "{\"a\":1}");
    assert.equal(
      new JsonResponse({ a: 1 }).headers.get("content-type"),
      "application/json",
    );
  });

  it("accepts the options form { data, status_code }", () => {
    const response = new JsonResponse({ data: [1], status_code: 201 });
    assert.equal(response.toString(), "[1]");
    assert.equal(response.status_code, 201);
  });

  it("renders a QueryDict as its dict", () => {
    const response = new JsonResponse(new QueryDict("a=1&a=2"));
    assert.deepEqual(JSON.parse(response.toString()), { a: ["1", "2"] });
  });

  it("a view returning a plain object or array gets JSON", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/o", () => ({ data: 1 }));
    app.route("/a", () => [1, 2]);
    assert.deepEqual(await (await call(app, "/o")).json(), { data: 1 });
    assert.deepEqual(await (await call(app, "/a")).json(), [1, 2]);
  });
});

describe("RedirectResponse", () => {
  it("defaults to 302 and honours 301, 303, 307 and 308", () => {
    assert.equal(new RedirectResponse("/x").status_code, 302);
    for (const code of [301, 303, 307, 308]) {
      assert.equal(
        new RedirectResponse("/x", { status_code: code }).status_code,
        code,
      );
    }
    const options = new RedirectResponse({ location: "/y", status_code: 303 });
    assert.equal(options.headers.get("location"), "/y");
    assert.equal(options.toString(), "");
    assert.throws(
      () => new RedirectResponse("/x", { status_code: 200 }),
      GeneralException,
    );
  });

  it("HDR-01 CR/LF in a location or header is a generic 500 without injection", async () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log });
    app.route("/r", () => new RedirectResponse("/ok\r\nSet-Cookie: x=1"));
    app.route("/h", () => {
      const response = new HttpResponse("x");
      response.headers.set("x-a", "a\nb");
      return response;
    });
    app.route("/n", () => {
      const response = new HttpResponse("x");
      response.headers.set("x-a", "a\0b");
      return response;
    });
    app.route("/fine", () => ({ ok: true }));
    for (const path of ["/r", "/h", "/n"]) {
      const response = await call(app, path);
      assert.equal(response.status, 500, path);
      assert.equal(response.headers.get("set-cookie"), null);
      assert.deepEqual(await response.json(), {
        error: "Internal server error",
      });
    }
    assert.equal((await call(app, "/fine")).status, 200);
  });
});
