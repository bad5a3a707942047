import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createClient } from "redis";
import {
  HttpResponse,
  RedisSessionStore,
  SessionMiddleware,
  SpiderwebRouter,
  TestClient,
} from "../mod.ts";
import { recordingLogger } from "./_helpers.ts";
import { type RedisServer, startRedis } from "./_servers.ts";
import { storeSuite } from "./_store_suite.ts";

// Commands fail at once while disconnected instead of queueing (the 503 test).
function client(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: () => 50 },
  }).on("error", () => {});
}

storeSuite("RedisSessionStore", async () => {
  const server = await startRedis();
  const redis = await client(server.url).connect();
  return {
    store: new RedisSessionStore({ client: redis, prefix: "test:" }),
    async cleanup() {
      redis.destroy();
      await server.cleanup();
    },
  };
});

describe("RedisSessionStore", () => {
  let server: RedisServer;
  let redis: ReturnType<typeof client>;
  before(async () => {
    server = await startRedis();
    redis = await client(server.url).connect();
  });
  after(async () => {
    redis.destroy();
    await server.cleanup();
  });

  it("stores key hashes with a TTL in step with the expiry", async () => {
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      middleware: [SessionMiddleware],
      session_store: new RedisSessionStore({ client: redis }),
      session_max_age: 600,
    });
    app.route("/w", (request) => {
      request.SESSION.a = 1;
      return {};
    });
    const testClient = new TestClient(app);
    await testClient.get("/w");
    const key = testClient.cookies().swsession;
    const keys = await redis.sendCommand(["KEYS", "spiderweb:s:*"]) as string[];
    assert.equal(keys.length, 1);
    assert.ok(!keys[0].includes(key));
    const ttl = Number(await redis.sendCommand(["PTTL", keys[0]]));
    assert.ok(ttl > 590_000 && ttl <= 600_000, String(ttl));
    await app.close();
  });

  it("answers 503 while Redis is down, and recovers without a restart", async () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({
      log,
      middleware: [SessionMiddleware],
      session_store: new RedisSessionStore({ client: redis }),
    });
    app.route("/w", (request) => {
      request.SESSION.a = 1;
      return new HttpResponse("ok");
    });
    const testClient = new TestClient(app);
    assert.equal((await testClient.get("/w")).status, 200);
    await server.stop();
    const down = await testClient.get("/w");
    assert.equal(down.status, 503);
    const body = await down.text();
    assert.match(body, /Service Unavailable/);
    // The driver's message goes to the log only, never to the client.
    assert.match(body, /The session store is unavailable/);
    assert.doesNotMatch(body, /closed|ECONNREFUSED|connect|socket/i);
    assert.ok(log.lines.some((l) => l.startsWith("error GET /w failed:")));
    await server.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await testClient.get("/w")).status;
    }
    assert.equal(status, 200);
    await app.close();
  });
});
