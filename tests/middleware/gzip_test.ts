import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import {
  ConfigError,
  GzipMiddleware,
  HttpResponse,
  JsonResponse,
  SpiderwebRouter,
  StartupErrors,
} from "../../mod.ts";
import { acceptsGzip } from "../../src/middleware/gzip.ts";
import { call, recordingLogger } from "../_helpers.ts";

const big = "spiderweb ".repeat(100);

function gzipApp(options: Record<string, unknown> = {}) {
  const log = recordingLogger();
  const app = new SpiderwebRouter({
    log,
    middleware: [GzipMiddleware],
    ...options,
  });
  app.route("/big", () => new HttpResponse(big));
  app.route("/small", () => new HttpResponse("tiny"));
  app.route("/json", () => new JsonResponse({ text: big }));
  app.route("/bytes", () =>
    new HttpResponse(new TextEncoder().encode(big), {
      headers: { "content-type": "text/plain" },
    }));
  app.route(
    "/small-bytes",
    () =>
      new HttpResponse(new TextEncoder().encode("x"), {
        headers: { "content-type": "text/plain" },
      }),
  );
  app.route(
    "/png",
    () =>
      new HttpResponse(new Uint8Array(1000), {
        headers: { "content-type": "image/png" },
      }),
  );
  app.route(
    "/encoded",
    () => new HttpResponse(big, { headers: { "content-encoding": "br" } }),
  );
  app.route("/created", () => new HttpResponse(big, { status_code: 201 }));
  app.route("/error", () => new HttpResponse(big, { status_code: 404 }));
  app.route(
    "/etag",
    () => new HttpResponse(big, { headers: { etag: "\"abc\"" } }),
  );
  app.route("/stream", () =>
    new HttpResponse(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(big));
          c.close();
        },
      }),
      {
        headers: {
          "content-type": "text/plain",
          "content-length": String(big.length),
        },
      },
    ));
  return { app, log };
}

const gz = { headers: { "accept-encoding": "gzip, deflate" } };

async function gunzipped(response: Response): Promise<string> {
  return new TextDecoder().decode(
    gunzipSync(new Uint8Array(await response.arrayBuffer())),
  );
}

describe("GzipMiddleware", () => {
  it("compresses a large HTML body and fixes Content-Length and Vary", async () => {
    const { app } = gzipApp();
    const response = await call(app, "/big", gz);
    assert.equal(response.headers.get("content-encoding"), "gzip");
    assert.equal(response.headers.get("vary"), "Accept-Encoding");
    const length = Number(response.headers.get("content-length"));
    const text = await gunzipped(response);
    assert.equal(text, big);
    assert.ok(length > 0 && length < big.length);
  });

  it("compresses JSON, compressible bytes and 201s", async () => {
    const { app } = gzipApp();
    for (const path of ["/json", "/bytes", "/created"]) {
      const response = await call(app, path, gz);
      assert.equal(response.headers.get("content-encoding"), "gzip", path);
      assert.ok((await gunzipped(response)).includes("spiderweb"));
    }
  });

  it("leaves small, binary, already encoded and error responses alone", async () => {
    const { app } = gzipApp();
    for (
      const path of ["/small", "/small-bytes", "/png", "/encoded", "/error"]
    ) {
      const response = await call(app, path, gz);
      assert.notEqual(response.headers.get("content-encoding"), "gzip", path);
    }
  });

  it("adds Vary but does not compress when gzip is not accepted (q=0 honoured)", async () => {
    const { app } = gzipApp();
    for (
      const header of [
        undefined,
        "identity",
        "gzip;q=0",
        "br",
        "*;q=0",
        "gzip;q=0, *",
      ]
    ) {
      const response = await call(app, "/big", {
        headers: header ? { "accept-encoding": header } : {},
      });
      assert.equal(
        response.headers.get("content-encoding"),
        null,
        String(header),
      );
      assert.equal(response.headers.get("vary"), "Accept-Encoding");
      assert.equal(await response.text(), big);
    }
  });

  it("acceptsGzip() reads q-values and *", () => {
    assert.ok(acceptsGzip("gzip"));
    assert.ok(acceptsGzip("br;q=1, gzip;q=0.5"));
    assert.ok(acceptsGzip("*"));
    assert.ok(!acceptsGzip("gzip;q=0"));
    assert.ok(!acceptsGzip("gzip;q=0, *"));
    assert.ok(!acceptsGzip(null));
  });

  it("HEAD is never compressed; a strong ETag becomes weak", async () => {
    const { app } = gzipApp();
    const head = await call(app, "/big", { ...gz, method: "HEAD" });
    assert.equal(head.headers.get("content-encoding"), null);
    const etag = await call(app, "/etag", gz);
    assert.equal(etag.headers.get("etag"), "W/\"abc\"");
  });

  it("streams of known size are compressed without a Content-Length", async () => {
    const { app, log } = gzipApp({ gzip_compression_level: 9 });
    const response = await call(app, "/stream", gz);
    assert.equal(response.headers.get("content-encoding"), "gzip");
    assert.equal(response.headers.get("content-length"), null);
    assert.equal(await gunzipped(response), big);
    await call(app, "/stream", gz);
    const warnings = log.lines.filter((l) =>
      l.includes("not applied to streamed")
    );
    assert.equal(warnings.length, 1);
  });

  it("the level is applied to buffered bodies", async () => {
    const fast = gzipApp({ gzip_compression_level: 1 }).app;
    const best = gzipApp({ gzip_compression_level: 9 }).app;
    fast.route("/mixed", () => new HttpResponse(mixed));
    best.route("/mixed", () => new HttpResponse(mixed));
    const a = (await (await call(fast, "/mixed", gz)).arrayBuffer()).byteLength;
    const b = (await (await call(best, "/mixed", gz)).arrayBuffer()).byteLength;
    assert.ok(b < a, `level 9 (${b}) should beat level 1 (${a})`);
  });

  it("invalid settings are StartupErrors", () => {
    for (
      const options of [
        { gzip_compression_level: 0 },
        { gzip_compression_level: 10 },
        { gzip_compression_level: "6" },
        { gzip_minimum_response_length: 0 },
        { gzip_minimum_response_length: 1.5 },
      ] as Record<string, unknown>[]
    ) {
      assert.throws(
        () =>
          new SpiderwebRouter({
            middleware: ["spiderweb.middleware.gzip.GzipMiddleware"],
            ...options,
          }),
        (e: unknown) => e instanceof StartupErrors && e instanceof ConfigError,
        JSON.stringify(options),
      );
    }
  });
});

const mixed = Array.from(
  { length: 4000 },
  (_, i) => `${i * 7919 % 1009}-${(i * 31) % 97};`,
).join("");
