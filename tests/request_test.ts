import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { HttpResponse, SpiderwebRouter } from "../mod.ts";
import { call, recordingLogger, streamOf } from "./_helpers.ts";

function echoApp(options = {}) {
  const app = new SpiderwebRouter({ log: recordingLogger(), ...options });
  app.route("/echo", (request) => ({
    method: request.method,
    GET: request.GET.dict,
    POST: request.POST.dict,
    files: [...request.FILES].map((
      [field, file],
    ) => [field, file.name, file.size]),
    content: request.content,
  }));
  return app;
}

describe("SpiderwebRequest query and forms", () => {
  it("GET holds the query string; get() is the last value", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/q", (request) => ({
      last: request.GET.get("a"),
      all: request.GET.getAll("a"),
      missing: request.GET.get("zz"),
      isParams: request.GET instanceof URLSearchParams,
    }));
    assert.deepEqual(await (await call(app, "/q?a=1&a=2")).json(), {
      last: "2",
      all: ["1", "2"],
      missing: null,
      isParams: true,
    });
  });

  it("the body never reaches GET; POST is parsed for POST, PUT, PATCH and DELETE", async () => {
    const app = echoApp();
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await call(app, "/echo?q=1", {
        method,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=1&a=2&b=%20x",
      });
      const body = await response.json();
      assert.deepEqual(body.GET, { q: ["1"] }, method);
      assert.deepEqual(body.POST, { a: ["1", "2"], b: [" x"] }, method);
    }
  });

  it("multipart bodies fill POST with fields and FILES with files", async () => {
    const app = echoApp();
    const form = new FormData();
    form.append("title", "hello");
    form.append("doc", new File(["abc"], "a.txt"));
    form.append("doc", new File(["defg"], "b.txt"));
    const body =
      await (await call(app, "/echo", { method: "POST", body: form }))
        .json();
    assert.deepEqual(body.POST, { title: ["hello"] });
    assert.deepEqual(body.files, [["doc", "a.txt", 3], ["doc", "b.txt", 4]]);
  });

  it("an upload's content_type is exactly what the client sent", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/types", (request) => ({
      types: request.FILES.getAll("f").map((f) => f.content_type),
    }), { allowed_methods: ["POST"] });
    const part = (name: string, type?: string) =>
      `--b0\r\nContent-Disposition: form-data; name="f"; filename="${name}"\r\n${
        type === undefined ? "" : `Content-Type: ${type}\r\n`
      }\r\n${name}\r\n`;
    const response = await call(app, "/types", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=\"b0\"" },
      body: `--b0\r\nContent-Disposition: form-data; name="t"\r\n\r\nx\r\n${
        part("a.txt", "text/plain")
      }${part("b.csv", "text/csv; header=present")}${
        part("c.bin", "application/x-custom")
      }--b0--\r\n`,
    });
    assert.deepEqual(await response.json(), {
      types: ["text/plain", "text/csv; header=present", "application/x-custom"],
    });
  });

  it("a body whose stream fails while being read is 400 and logs no error", async () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({ log });
    app.route("/echo", (request) => ({ size: request.body.length }), {
      allowed_methods: ["POST"],
    });
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("partial"));
        controller.error(new Error("connection reset by peer"));
      },
    });
    const response = await app.fetch(
      new Request("http://localhost/echo", {
        method: "POST",
        body,
        duplex: "half",
      } as RequestInit),
    );
    assert.equal(response.status, 400);
    assert.equal(log.lines.filter((l) => l.startsWith("error")).length, 0);
  });

  it("a malformed multipart body is 400", async () => {
    const app = echoApp();
    const response = await call(app, "/echo", {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x" },
      body: "--y\r\nnot a form",
    });
    assert.equal(response.status, 400);
  });

  it("BODY-03 big forms are answered quickly; invalid % in keys is kept raw", async () => {
    const app = echoApp();
    const many = Array.from({ length: 100_000 }, (_, i) => `f${i}=${i}`).join(
      "&",
    );
    const started = performance.now();
    const response = await call(app, "/echo", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: many,
    });
    assert.equal(response.status, 200);
    assert.ok(performance.now() - started < 5000);
    const longName = await call(app, "/echo", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `${"k".repeat(1024 * 1024)}=1`,
    });
    assert.equal(longName.status, 200);
    const raw = await call(app, "/echo", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a%zz=1",
    });
    assert.deepEqual((await raw.json()).POST, { "a%zz": ["1"] });
  });
});

describe("SpiderwebRequest json()", () => {
  const app = new SpiderwebRouter({ log: recordingLogger() });
  app.route("/json", (request) => {
    const data = request.json() as Record<string, unknown>;
    return { data, polluted: ({} as Record<string, unknown>).polluted ?? null };
  });
  app.route("/parse", (request) => ({ type: typeof request.json() }));

  it("parses the buffered body synchronously", async () => {
    const response = await call(app, "/json", {
      method: "POST",
      body: JSON.stringify({ a: 1 }),
    });
    assert.deepEqual((await response.json()).data, { a: 1 });
  });

  it("BODY-02 malformed JSON is 400, duplicate keys last-wins, no pollution", async () => {
    for (const body of ["{", "{\"a\":}", "", "[".repeat(100_000)]) {
      const response = await call(app, "/json", { method: "POST", body });
      assert.equal(response.status, 400, body.slice(0, 10));
      assert.match(await response.text(), /Invalid JSON/);
    }
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    assert.ok([200, 400].includes(
      (await call(app, "/parse", {
        method: "POST",
        body: deep,
      })).status,
    ));
    const dup = await call(app, "/json", {
      method: "POST",
      body: "{\"a\":1,\"a\":2,\"__proto__\":{\"polluted\":1}}",
    });
    const parsed = await dup.json();
    assert.equal(parsed.data.a, 2);
    assert.equal(parsed.polluted, null);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const big = await call(app, "/json", {
      method: "POST",
      body: JSON.stringify({ s: "x".repeat(5_000_000) }),
    });
    assert.equal(big.status, 200);
  });
});

describe("SpiderwebRequest body limit", () => {
  function limitApp(options = {}) {
    const app = new SpiderwebRouter({ log: recordingLogger(), ...options });
    let ran = 0;
    app.route("/all", (request) => {
      ran++;
      return { size: request.body.byteLength };
    });
    app.route("/never", () => {
      ran++;
      return {};
    });
    return { app, ran: () => ran };
  }

  it("BODY-01 an oversized Content-Length is 413 with Connection: close", async () => {
    const { app, ran } = limitApp();
    const response = await call(app, "/never", {
      method: "POST",
      headers: { "content-length": "10485761" },
      body: streamOf(10),
      // @ts-ignore: duplex is needed for a stream body
      duplex: "half",
    });
    assert.equal(response.status, 413);
    assert.equal(response.headers.get("connection"), "close");
    assert.equal(ran(), 0);
  });

  it("BODY-01 an oversized stream without a length is 413 whatever the view does", async () => {
    const { app, ran } = limitApp();
    for (const path of ["/all", "/never"]) {
      const response = await call(app, path, {
        method: "POST",
        body: streamOf(11 * 1024 * 1024),
        // @ts-ignore: duplex is needed for a stream body
        duplex: "half",
      });
      assert.equal(response.status, 413, path);
    }
    const lying = await call(app, "/all", {
      method: "POST",
      headers: { "content-length": "5" },
      body: streamOf(11 * 1024 * 1024),
      // @ts-ignore: duplex is needed for a stream body
      duplex: "half",
    });
    assert.equal(lying.status, 413);
    assert.equal(ran(), 0);
  });

  it("BODY-01 exactly max_request_body_size bytes pass", async () => {
    const { app } = limitApp();
    const response = await call(app, "/all", {
      method: "POST",
      body: new Uint8Array(10_485_760),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { size: 10_485_760 });
  });

  it("max_request_body_size: null disables the limit; a small one applies", async () => {
    const small = limitApp({ max_request_body_size: 4 }).app;
    assert.equal(
      (await call(small, "/all", { method: "POST", body: "12345" })).status,
      413,
    );
    const none = limitApp({ max_request_body_size: null }).app;
    assert.equal(
      (await call(none, "/all", {
        method: "POST",
        body: new Uint8Array(11 * 1024 * 1024),
      })).status,
      200,
    );
  });
});

describe("SpiderwebRequest cookies, META and addresses", () => {
  it("COOKIES are decoded; a malformed escape keeps the raw value", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/c", (request) => ({ ...request.COOKIES }));
    const response = await call(app, "/c", {
      headers: { cookie: "a=a%20b%3Bc; b=%1; c=%3D" },
    });
    assert.deepEqual(await response.json(), { a: "a b;c", b: "%1", c: "=" });
  });

  it("META has CGI keys and HTTP_ headers; client_address ignores XFF by default", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/m", (request) => ({
      ...request.META,
      secure: request.isSecure(),
    }));
    const response = await app.fetch(
      new Request("http://app.example/m?x=1", {
        headers: {
          host: "app.example",
          "x-forwarded-for": "6.6.6.6",
          "x-forwarded-proto": "https",
          "user-agent": "t",
        },
      }),
      { remoteAddress: "10.1.2.3" },
    );
    const meta = await response.json();
    assert.equal(meta.REQUEST_METHOD, "GET");
    assert.equal(meta.PATH_INFO, "/m");
    assert.equal(meta.QUERY_STRING, "x=1");
    assert.equal(meta.REMOTE_ADDR, "10.1.2.3");
    assert.equal(meta.client_address, "10.1.2.3");
    assert.equal(meta.HTTP_USER_AGENT, "t");
    assert.equal(meta.secure, false);
  });

  it("HDR-04 trust_forwarded_headers uses the last XFF entry, quickly", async () => {
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      trust_forwarded_headers: true,
    });
    app.route("/m", (request) => ({
      client: request.client_address,
      secure: request.isSecure(),
    }));
    const list = Array.from(
      { length: 1000 },
      (_, i) => `10.0.${i >> 8}.${i & 255}`,
    )
      .join(", ");
    const started = performance.now();
    const response = await app.fetch(
      new Request("http://app.example/m", {
        headers: {
          host: "app.example",
          "x-forwarded-for": list,
          "x-forwarded-proto": "https",
        },
      }),
      { remoteAddress: "127.0.0.1" },
    );
    assert.ok(performance.now() - started < 200);
    assert.deepEqual(await response.json(), {
      client: "10.0.3.231",
      secure: true,
    });
  });

  it("Deno's ServeHandlerInfo supplies REMOTE_ADDR", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/m", (request) => new HttpResponse(request.META.REMOTE_ADDR));
    // What Deno.serve passes: a request from a socket, with its Host.
    const response = await app.fetch(
      new Request("http://app.example/m", { headers: { host: "app.example" } }),
      { remoteAddr: { hostname: "192.0.2.1", port: 1, transport: "tcp" } },
    );
    assert.equal(await response.text(), "192.0.2.1");
  });
});

describe("the peer's address on Bun", () => {
  it("is looked up with server.requestIP only when something reads it", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/plain", () => new HttpResponse("no address needed"));
    app.route(
      "/who",
      (request) =>
        new HttpResponse(
          `${request.META.REMOTE_ADDR} ${request.client_address}`,
        ),
    );
    let lookups = 0;
    // What Bun passes to a default-exported app: its server.
    const server = {
      requestIP(request: Request) {
        lookups++;
        assert.ok(request instanceof Request);
        return { address: "198.51.100.7" };
      },
    };
    const send = (path: string) =>
      app.fetch(
        new Request(`http://app.example${path}`, {
          headers: { host: "app.example" },
        }),
        server,
      );
    assert.equal((await send("/plain")).status, 200);
    assert.equal(lookups, 0);
    assert.equal(
      await (await send("/who")).text(),
      "198.51.100.7 198.51.100.7",
    );
    assert.equal(lookups, 1);
  });
});

describe("bounded memory for request bodies", () => {
  function trackedBody(chunks: string[], stall?: Promise<void>) {
    const state = { pulls: 0, cancelled: false };
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        state.pulls++;
        if (i < chunks.length) {
          controller.enqueue(new TextEncoder().encode(chunks[i++]));
          return;
        }
        if (stall) await stall;
        controller.close();
      },
      cancel() {
        state.cancelled = true;
      },
    });
    return { stream, state };
  }
  const post = (app: SpiderwebRouter, path: string, body: ReadableStream) =>
    app.fetch(
      new Request(`http://localhost${path}`, {
        method: "POST",
        body,
        duplex: "half",
      } as RequestInit),
    );

  it("a 404, 405 or 403 never buffers the body: it is dropped and the connection closes", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/only-get", () => ({}), { allowed_methods: ["GET"] });
    const strict = new SpiderwebRouter({
      log: recordingLogger(),
      allowed_hosts: ["app.example"],
    });
    strict.route("/up", () => ({}), { allowed_methods: ["POST"] });
    const cases = [
      [app, "/missing", 404],
      [app, "/only-get", 405],
      [strict, "/up", 403],
    ] as const;
    for (const [target, path, status] of cases) {
      const chunks = ["x".repeat(1000), "y".repeat(1000)];
      const { stream, state } = trackedBody(chunks);
      const response = await post(target, path, stream);
      assert.equal(response.status, status, path);
      assert.equal(response.headers.get("connection"), "close");
      assert.ok(state.cancelled, path);
      assert.ok(state.pulls <= 1, `${path}: ${state.pulls} pulls`);
    }
  });

  it("max_buffered_body_bytes answers 503 with Retry-After instead of buffering past the budget", async () => {
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      max_buffered_body_bytes: 10,
    });
    app.route("/up", (request) => ({ size: request.body.length }), {
      allowed_methods: ["POST"],
    });
    let release!: () => void;
    const stall = new Promise<void>((resolve) => (release = resolve));
    const first = trackedBody(["12345678"], stall);
    const pending = post(app, "/up", first.stream);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = trackedBody(["abcdefgh"]);
    const refused = await post(app, "/up", second.stream);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "1");
    release();
    assert.deepEqual(await (await pending).json(), { size: 8 });
    // The budget is given back once a request ends.
    const third = trackedBody(["abcdefgh"]);
    assert.deepEqual(await (await post(app, "/up", third.stream)).json(), {
      size: 8,
    });
  });

  it("max_buffered_body_bytes must be a non-negative integer or null", () => {
    assert.throws(
      () => new SpiderwebRouter({ max_buffered_body_bytes: -1 }),
      /max_buffered_body_bytes/,
    );
  });
});
