import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { HttpResponse, type RunningServer, SpiderwebRouter } from "../mod.ts";
import { rawBody, rawRequest, rawStatus, recordingLogger } from "./_helpers.ts";

describe("app.start() on this runtime", () => {
  const events: string[] = [];
  const log = recordingLogger();
  const app = new SpiderwebRouter({
    log,
    addr: "127.0.0.1",
    port: 0,
    allowed_hosts: ["127.0.0.1", "app.example"],
    max_request_body_size: 1024,
    on_startup: [() => {
      events.push("startup");
    }],
    on_shutdown: [() => {
      events.push("shutdown");
    }],
  });
  app.route("/", () => new HttpResponse("hello"));
  app.route("/cookies", () => {
    const response = new HttpResponse("two");
    response.setCookie("a", "1");
    response.setCookie("b", "2");
    return response;
  });
  app.route("/echo", (request) => ({ size: request.body.byteLength }));
  app.route("/who", (request) => ({
    cookies: { ...request.COOKIES },
    remote: request.META.REMOTE_ADDR,
  }));
  app.route("/slow", async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    return new HttpResponse("done");
  });
  let server: RunningServer;
  let port: number;

  before(async () => {
    server = await app.start({ handleSignals: false });
    port = Number(server.url.port);
  });

  after(async () => {
    await server.stop();
  });

  it("serves over HTTP and logs the URL; on_startup ran first", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "hello");
    assert.deepEqual(events, ["startup"]);
    assert.ok(
      log.lines.some((l) =>
        l.includes(`Starting server on http://127.0.0.1:${port}`)
      ),
    );
  });

  it("answers HEAD without a body", async () => {
    const reply = await rawRequest(
      port,
      "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert.equal(rawStatus(reply), 200);
    assert.ok(!reply.includes("hello"));
  });

  it("keeps two Set-Cookie headers", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/cookies`);
    assert.deepEqual(response.headers.getSetCookie(), ["a=1", "b=2"]);
  });

  it("reads a chunked body and answers 413 past the limit", async () => {
    const small = await rawRequest(
      port,
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    );
    assert.equal(rawStatus(small), 200);
    assert.ok(small.includes("{\"size\":5}"));
    const chunk = "x".repeat(512);
    const chunks = Array.from({ length: 8 }, () => `200\r\n${chunk}\r\n`).join(
      "",
    );
    const big = await rawRequest(
      port,
      `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`,
      true,
    );
    assert.equal(rawStatus(big), 413);
  });

  it("reads a body framed by Content-Length whole; 413 unread past the limit, 503 past the budget", async () => {
    const small = await rawRequest(
      port,
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world",
    );
    assert.equal(rawStatus(small), 200);
    assert.ok(small.includes("{\"size\":11}"));
    const big = await rawRequest(
      port,
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2000\r\n\r\n",
      true,
    );
    assert.equal(rawStatus(big), 413);
    const tight = new SpiderwebRouter({
      log: recordingLogger(),
      addr: "127.0.0.1",
      port: 0,
      max_buffered_body_bytes: 100,
    });
    tight.route("/echo", (request) => ({ size: request.body.byteLength }));
    const running = await tight.start({ handleSignals: false });
    try {
      const over = await rawRequest(
        Number(running.url.port),
        `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 101\r\n\r\n${
          "x".repeat(101)
        }`,
        true,
      );
      assert.equal(rawStatus(over), 503);
      assert.match(over, /retry-after: 1/i);
    } finally {
      await running.stop();
    }
  });

  it("a client that leaves in the middle of a body is no server error", async () => {
    const errors = () => log.lines.filter((l) => l.startsWith("error")).length;
    const before = errors();
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(
          "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nonly ten b",
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const response = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(await response.text(), "hello");
    assert.equal(errors(), before);
  });

  it("supplies REMOTE_ADDR; COOK-01 two Cookie fields read as one list", async () => {
    const reply = await rawRequest(
      port,
      "GET /who HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: swsession=A\r\nCookie: other=B; swsession=C\r\nConnection: close\r\n\r\n",
    );
    const body = JSON.parse(rawBody(reply));
    assert.match(body.remote, /127\.0\.0\.1/);
    assert.equal(body.cookies.swsession, "C");
    assert.equal(body.cookies.other, "B");
  });

  it("ROUTE-05 bad request-targets are 400; the absolute form never picks the host", async () => {
    for (const target of ["../spiderweb.db", "*"]) {
      const reply = await rawRequest(
        port,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(rawStatus(reply), 400, target);
    }
    const absolute = await rawRequest(
      port,
      "GET http://evil.example/ HTTP/1.1\r\nHost: app.example\r\nConnection: close\r\n\r\n",
    );
    assert.ok([200, 400, 403].includes(rawStatus(absolute)));
    assert.ok(!absolute.includes("evil.example"));
  });

  it("ROUTE-06 a request without Host is 403 or rejected, never 500", async () => {
    const reply = await rawRequest(port, "GET / HTTP/1.0\r\n\r\n");
    assert.ok([400, 403].includes(rawStatus(reply)), reply.slice(0, 20));
  });

  it("stop() lets in-flight requests finish, then runs on_shutdown", async () => {
    const other = new SpiderwebRouter({
      log: recordingLogger(),
      addr: "127.0.0.1",
      port: 0,
      on_shutdown: [() => {
        events.push("other shutdown");
      }],
    });
    other.route("/slow", async () => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return new HttpResponse("done");
    });
    const running = await other.start({ handleSignals: false });
    const pending = fetch(new URL("/slow", running.url));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = running.stop();
    const response = await pending;
    assert.equal(await response.text(), "done");
    await stopped;
    assert.ok(events.includes("other shutdown"));
  });
});

describe("no Host, no service", () => {
  it("a request from a socket without a Host header is a 400; in-process calls use the URL", async () => {
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      port: 0,
      addr: "127.0.0.1",
    });
    app.route("/", () => ({ ok: true }));
    const server = await app.start({ handleSignals: false });
    try {
      const port = Number(server.url.port);
      const noHost = await rawRequest(port, "GET / HTTP/1.0\r\n\r\n");
      assert.equal(rawStatus(noHost), 400, noHost);
      const withHost = await rawRequest(
        port,
        "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
      );
      assert.equal(rawStatus(withHost), 200, withHost);
    } finally {
      await server.stop();
    }
    const inProcess = await app.fetch(new Request("http://localhost/"));
    assert.equal(inProcess.status, 200);
  });
});
