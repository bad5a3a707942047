import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConfigError,
  HttpResponse,
  SessionMiddleware,
  SpiderwebMiddleware,
  SpiderwebRouter,
  SqliteSessionStore,
  StartupErrors,
  TestClient,
} from "../../mod.ts";
import { call, recordingLogger } from "../_helpers.ts";
import {
  age,
  cookieAttributes,
  countingDatabase,
  keyOf,
  rows,
  sessionApp,
  sessionCookies,
  sha256,
} from "./_session_helpers.ts";

const cleanups: (() => Promise<void>)[] = [];
function setup(options = {}) {
  const context = sessionApp(options);
  cleanups.push(context.cleanup);
  return context;
}
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function withCookie(key: string, name = "swsession") {
  return { headers: { cookie: `${name}=${key}` } };
}

describe("SessionMiddleware: the seed example", () => {
  it("counts per visitor and creates the database file", async () => {
    const { app } = setup();
    const client = new TestClient(app);
    for (let i = 0; i < 3; i++) {
      assert.equal(
        await (await client.get("/counter")).text(),
        `Session value: ${i}`,
      );
    }
    const other = new TestClient(app);
    assert.equal(
      await (await other.get("/counter")).text(),
      "Session value: 0",
    );
    assert.equal(rows(app).length, 2);
  });

  it("is enabled by its dotted name", () => {
    const { app } = setup({
      middleware: ["spiderweb.middleware.sessions.SessionMiddleware"],
    });
    assert.ok(app.middleware[0] instanceof SessionMiddleware);
  });
});

describe("SessionMiddleware: cookie and key", () => {
  it("SESS-01 anonymous requests that never touch the session create nothing", async () => {
    const { app } = setup();
    for (let i = 0; i < 10_000; i++) {
      const response = await call(app, "/");
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("set-cookie"), null);
    }
    const read = await call(app, "/read");
    assert.equal(read.headers.get("set-cookie"), null);
    assert.equal(rows(app).length, 0);
  });

  it("SESS-02 writes get one cookie with default attributes and a hashed row", async () => {
    const { app } = setup();
    const keys = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const response = await call(app, "/write");
      const cookies = sessionCookies(response);
      assert.equal(cookies.length, 1);
      assert.equal(response.headers.get("cache-control"), "no-store");
      keys.add(keyOf(response)!);
      if (i === 0) {
        const attributes = cookieAttributes(cookies[0]);
        assert.equal(attributes.get("path"), "/");
        assert.equal(attributes.get("samesite"), "Lax");
        assert.equal(attributes.get("max-age"), "1209600");
        assert.ok(attributes.has("httponly"));
        assert.ok(attributes.has("expires"));
        assert.ok(!attributes.has("secure"));
        assert.ok(!attributes.has("domain"));
        assert.match(
          cookies[0],
          /^swsession=[A-Za-z0-9]{64}; Expires=[^;]+; Max-Age=\d+; Path=\/; SameSite=Lax; HttpOnly$/,
        );
      }
    }
    assert.equal(keys.size, 10_000);
    const stored = rows(app);
    assert.equal(stored.length, 10_000);
    const hashes = new Set(stored.map((r) => r.session_key_hash));
    for (const key of keys) {
      assert.match(key, /^[A-Za-z0-9]{64}$/);
      assert.ok(hashes.has(sha256(key)));
    }
    const dump = JSON.stringify(stored);
    assert.ok(![...keys].some((key) => dump.includes(key)));
  });

  it("SESS-03 a well-formed key never issued is not adopted", async () => {
    const { app } = setup();
    const presented = "A".repeat(64);
    const read = await call(app, "/read", withCookie(presented));
    assert.deepEqual(await read.json(), {});
    const write = await call(app, "/write", withCookie(presented));
    const key = keyOf(write);
    assert.ok(key && key !== presented);
    assert.ok(!rows(app).some((r) => r.session_key_hash === sha256(presented)));
  });

  it("SESS-04 malformed keys run no SQL, create nothing, and clear the cookie", async () => {
    const counted = countingDatabase(() => app.db);
    const app = new SpiderwebRouter({
      db: ":memory:",
      log: recordingLogger(),
      middleware: [SessionMiddleware],
      session_store: new SqliteSessionStore({ db: counted.db }),
    });
    cleanups.push(() => app.close());
    app.route("/read", (request) => ({ ...request.SESSION }));
    const bad = [
      "",
      "1",
      "a".repeat(63),
      "a".repeat(65),
      "a".repeat(10_000),
      "abc' OR '1'='1",
      "%00",
      "../../x",
      "ÿ",
      "a".repeat(63) + "-",
    ];
    for (const key of bad) {
      const response = await call(
        app,
        "/read",
        withCookie(encodeURIComponent(key)),
      );
      assert.equal(response.status, 200, key);
      assert.deepEqual(await response.json(), {});
      const cookies = sessionCookies(response);
      assert.equal(cookies.length, 1, key);
      assert.equal(cookieAttributes(cookies[0]).get("max-age"), "0");
    }
    assert.equal(counted.count(), 0);
  });

  it("SESS-06 flush deletes the row and the cookie; a replay is anonymous", async () => {
    const { app } = setup({ session_cookie_domain: "app.example" });
    const key = keyOf(await call(app, "/write"))!;
    const flush = await call(app, "/flush", withCookie(key));
    assert.deepEqual(await flush.json(), {});
    const [cookie] = sessionCookies(flush);
    const attributes = cookieAttributes(cookie);
    assert.equal(attributes.get("$value"), "");
    assert.equal(attributes.get("expires"), "Thu, 01 Jan 1970 00:00:00 GMT");
    assert.equal(attributes.get("max-age"), "0");
    assert.equal(attributes.get("path"), "/");
    assert.equal(attributes.get("domain"), "app.example");
    assert.equal(flush.headers.get("cache-control"), "no-store");
    assert.equal(rows(app).length, 0);
    const replay = await call(app, "/read", withCookie(key));
    assert.deepEqual(await replay.json(), {});
    const none = await call(app, "/flush");
    assert.equal(none.headers.get("set-cookie"), null);
    assert.equal(rows(app).length, 0);
  });

  it("flush then write starts a new session under a new key", async () => {
    const { app } = setup();
    app.route("/relogin", async (request) => {
      await request.flushSession();
      request.SESSION.fresh = true;
      return { ...request.SESSION };
    });
    const key = keyOf(await call(app, "/write"))!;
    const response = await call(app, "/relogin", withCookie(key));
    const newKey = keyOf(response);
    assert.ok(newKey && newKey !== key);
    assert.deepEqual(rows(app).map((r) => r.session_data), [
      "{\"fresh\":true}",
    ]);
  });

  it("cycleSessionKey() keeps the data under a new key; the old one is dead", async () => {
    const { app } = setup();
    const key = keyOf(await call(app, "/write?v=kept"))!;
    const cycled = await call(app, "/cycle", withCookie(key));
    const newKey = keyOf(cycled)!;
    assert.notEqual(newKey, key);
    assert.deepEqual(await cycled.json(), { val: "kept" });
    assert.deepEqual(
      await (await call(app, "/read", withCookie(newKey))).json(),
      {
        val: "kept",
      },
    );
    assert.deepEqual(
      await (await call(app, "/read", withCookie(key))).json(),
      {},
    );
    assert.equal(rows(app).length, 1);
  });

  it("SESS-07 idle and absolute expiry; the idle timeout slides", async () => {
    const { app } = setup({
      session_max_age: 3600,
      session_absolute_max_age: 7 * 24 * 3600,
    });
    const keyA = keyOf(await call(app, "/write?v=a"))!;
    age(app, keyA, {
      created: 7_200_000,
      active: 3_700_000,
      expires: -100_000,
    });
    const a = await call(app, "/read", withCookie(keyA));
    assert.equal(a.status, 200);
    assert.deepEqual(await a.json(), {});
    assert.equal(cookieAttributes(sessionCookies(a)[0]).get("max-age"), "0");
    const rewrite = await call(app, "/write", withCookie(keyA));
    assert.notEqual(keyOf(rewrite), keyA);

    const keyB = keyOf(await call(app, "/write?v=b"))!;
    age(app, keyB, { created: 8 * 24 * 3600_000, active: 60_000, expires: -1 });
    assert.deepEqual(
      await (await call(app, "/read", withCookie(keyB))).json(),
      {},
    );

    const keyC = keyOf(await call(app, "/write?v=c"))!;
    age(app, keyC, {
      created: 3 * 3600_000,
      active: 60_000,
      expires: 3600_000 - 60_000,
    });
    assert.deepEqual(
      await (await call(app, "/read", withCookie(keyC))).json(),
      {
        val: "c",
      },
    );
    assert.equal(await app.clearExpiredSessions(), 2);
    assert.equal(rows(app).length, 2);
  });

  it("HDR-04 HTTPS requests get Secure; X-Forwarded-Proto is ignored by default", async () => {
    const { app } = setup();
    const https = await app.fetch(new Request("https://app.example/write"));
    assert.ok(cookieAttributes(sessionCookies(https)[0]).has("secure"));
    const forwarded = await call(app, "/write", {
      headers: { "x-forwarded-proto": "https" },
    });
    assert.ok(!cookieAttributes(sessionCookies(forwarded)[0]).has("secure"));
    assert.equal(forwarded.headers.get("cache-control"), "no-store");
  });

  it("a session without a User-Agent works", async () => {
    const { app } = setup();
    const response = await call(app, "/write", {
      headers: { "user-agent": "" },
    });
    assert.equal(response.status, 200);
    assert.equal(rows(app).length, 1);
  });

  it("sessions are not bound to the client's IP or User-Agent", async () => {
    const { app } = setup();
    const key = keyOf(await call(app, "/write?v=1"))!;
    const response = await app.fetch(
      new Request("http://app.example/read", {
        headers: {
          host: "app.example",
          cookie: `swsession=${key}`,
          "user-agent": "other",
        },
      }),
      { remoteAddress: "203.0.113.9" },
    );
    assert.deepEqual(await response.json(), { val: "1" });
  });
});

describe("SessionMiddleware: settings", () => {
  it("SESS-08 invalid settings throw StartupErrors naming the option", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ session_cookie_same_site: "none" }, "session_cookie_same_site"],
      [{ session_cookie_same_site: "Strict;evil" }, "session_cookie_same_site"],
      [{
        session_cookie_name: "__Host-s",
        session_cookie_secure: true,
        session_cookie_path: "/a",
      }, "session_cookie_name"],
      [{
        session_cookie_name: "__Host-s",
        session_cookie_secure: true,
        session_cookie_domain: "a.com",
      }, "session_cookie_name"],
      [{ session_cookie_name: "__Host-s" }, "session_cookie_name"],
      [{ session_cookie_name: "bad;name" }, "session_cookie_name"],
      [{ session_cookie_path: "/;Domain=x" }, "session_cookie_path"],
      [{ session_cookie_path: "/\r\nx" }, "session_cookie_path"],
      [{ session_max_age: 0 }, "session_max_age"],
      [{ session_max_age: 1.5 }, "session_max_age"],
      [{ session_max_age: "10" }, "session_max_age"],
      [{ session_absolute_max_age: -1 }, "session_absolute_max_age"],
    ];
    for (const [options, option] of cases) {
      assert.throws(
        () =>
          new SpiderwebRouter({
            middleware: [SessionMiddleware],
            log: recordingLogger(),
            ...options,
          }),
        (error: unknown) =>
          error instanceof StartupErrors && error instanceof ConfigError
          && error.errors.some((e) =>
            e instanceof ConfigError && e.message.includes(option)
          ),
        JSON.stringify(options),
      );
    }
  });

  it("reports several invalid settings together", () => {
    assert.throws(
      () =>
        new SpiderwebRouter({
          middleware: [SessionMiddleware],
          session_cookie_same_site: "bogus",
          session_max_age: -5,
        }),
      (error: unknown) =>
        error instanceof StartupErrors && error.errors.length === 2,
    );
  });

  it("custom cookie settings are used", async () => {
    const { app } = setup({
      session_cookie_name: "__Host-sid",
      session_cookie_secure: true,
      session_cookie_same_site: "Strict",
      session_cookie_http_only: false,
      session_max_age: 600,
    });
    const response = await call(app, "/write");
    const [cookie] = sessionCookies(response, "__Host-sid");
    const attributes = cookieAttributes(cookie);
    assert.equal(attributes.get("samesite"), "Strict");
    assert.equal(attributes.get("max-age"), "600");
    assert.ok(attributes.has("secure"));
    assert.ok(!attributes.has("httponly"));
  });
});

describe("SessionMiddleware: store and persistence", () => {
  it("STORE-01 corrupted data reads as an empty session, with one warning", async () => {
    for (
      const corrupt of [
        "{",
        "null",
        "[]",
        "\"s\"",
        "42",
        new Uint8Array([0xff, 0xfe]),
      ]
    ) {
      const { app, log } = setup();
      const key = keyOf(await call(app, "/write"))!;
      app.db.prepare(
        "UPDATE spiderweb_sessions SET session_data = ? WHERE session_key_hash = ?",
      ).run(corrupt, sha256(key));
      const response = await call(app, "/read", withCookie(key));
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), {});
      const warnings = log.lines.filter((l) => l.includes("corrupted"));
      assert.equal(warnings.length, 1);
      assert.ok(!warnings[0].includes("42"));
      const next = await call(app, "/write", withCookie(key));
      assert.notEqual(keyOf(next), key);
    }
  });

  it("STORE-02 reserved property names are plain data", async () => {
    const { app } = setup();
    app.route("/admin", (request) => ({
      isAdmin: (request.SESSION as { isAdmin?: boolean }).isAdmin ?? null,
      plain: ({} as { isAdmin?: boolean }).isAdmin ?? null,
      keys: Object.keys(request.SESSION).sort(),
    }));
    const key = keyOf(await call(app, "/write"))!;
    app.db.prepare(
      "UPDATE spiderweb_sessions SET session_data = ? WHERE session_key_hash = ?",
    ).run(
      "{\"__proto__\":{\"isAdmin\":true},\"constructor\":1,\"cycleSessionKey\":2}",
      sha256(key),
    );
    const response = await call(app, "/admin", withCookie(key));
    assert.deepEqual(await response.json(), {
      isAdmin: null,
      plain: null,
      keys: ["__proto__", "constructor", "cycleSessionKey"],
    });
    const cycled = await call(app, "/cycle", withCookie(key));
    assert.equal(cycled.status, 200);
    assert.notEqual(keyOf(cycled), key);
  });

  it("STORE-03 non-JSON values are a 500 naming the key; nothing is written", async () => {
    const values: [string, () => unknown][] = [
      ["undef", () => undefined],
      ["fn", () => () => 1],
      ["sym", () => Symbol("s")],
      ["big", () => 1n],
      ["cycle", () => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      }],
    ];
    const { app, log } = setup();
    const key = keyOf(await call(app, "/write?v=safe"))!;
    for (const [name, make] of values) {
      app.route(`/bad-${name}`, (request) => {
        request.SESSION[name] = make();
        return new HttpResponse("ok");
      });
      for (const cookie of [undefined, key]) {
        const response = await call(
          app,
          `/bad-${name}`,
          cookie ? withCookie(cookie) : {},
        );
        assert.equal(response.status, 500, name);
        assert.equal(response.headers.get("set-cookie"), null);
        assert.ok(
          log.lines.some((l) =>
            l.includes(`Session data is not JSON serializable: key '${name}'`)
          ),
          name,
        );
      }
    }
    assert.equal(rows(app).length, 1);
    assert.equal(rows(app)[0].session_data, "{\"val\":\"safe\"}");
  });

  it("STORE-04 read-only requests write nothing and refresh at most once", async () => {
    const counted = countingDatabase(() => app.db);
    const app = new SpiderwebRouter({
      db: ":memory:",
      log: recordingLogger(),
      middleware: [SessionMiddleware],
      session_store: new SqliteSessionStore({ db: counted.db }),
    });
    cleanups.push(() => app.close());
    app.route("/write", (request) => {
      request.SESSION.a = 1;
      return {};
    });
    app.route("/read", (request) => ({ ...request.SESSION }));
    const key = keyOf(await call(app, "/write"))!;
    const writesBefore = changesOf(app);
    let cookies = 0;
    for (let i = 0; i < 100; i++) {
      const response = await call(app, "/read", withCookie(key));
      cookies += sessionCookies(response).length;
    }
    assert.equal(changesOf(app), writesBefore);
    assert.equal(cookies, 0);
    const statements = counted.count();
    await call(app, "/read", withCookie(key));
    assert.equal(counted.count() - statements, 1); // one SELECT, no write
    // Age the activity past the interval: exactly one refresh follows.
    app.db.prepare(
      "UPDATE spiderweb_sessions SET last_active = last_active - 61000",
    )
      .run();
    const before = changesOf(app);
    for (let i = 0; i < 100; i++) {
      const response = await call(app, "/read", withCookie(key));
      cookies += sessionCookies(response).length;
    }
    assert.equal(changesOf(app) - before, 1); // one refresh
    assert.equal(cookies, 1);
  });

  it("STORE-05 clearExpiredSessions() deletes exactly the expired rows", async () => {
    const { app } = setup();
    const live = keyOf(await call(app, "/write"))!;
    const dead = keyOf(await call(app, "/write"))!;
    age(app, dead, { created: 10, active: 10, expires: -1 });
    assert.equal(await app.clearExpiredSessions(), 1);
    assert.deepEqual(rows(app).map((r) => r.session_key_hash), [sha256(live)]);
    void live;
  });

  it("STORE-05 sweeping 200,000 rows in batches while requests write", async () => {
    const { app } = setup();
    const now = Date.now();
    app.db.exec("CREATE TABLE IF NOT EXISTS t(x)");
    await call(app, "/write");
    app.db.transaction(() => {
      const insert = app.db.prepare(
        "INSERT INTO spiderweb_sessions VALUES (?, NULL, '{}', ?, ?, ?)",
      );
      for (let i = 0; i < 200_000; i++) {
        insert.run(`expired-${i}`, now - 10, now - 10, now - 5);
      }
    });
    const sweep = app.clearExpiredSessions();
    const writes = await Promise.all(
      Array.from({ length: 50 }, () => call(app, "/write")),
    );
    assert.ok(writes.every((w) => w.status === 200));
    assert.equal(await sweep, 200_000);
    assert.equal(rows(app).length, 51);
  });

  it("STORE-06 a view that writes then throws changes nothing", async () => {
    const { app } = setup();
    app.route("/explode", (request) => {
      request.SESSION.val = "changed";
      throw new Error("boom");
    });
    app.route("/empty", (request) => {
      for (const key of Object.keys(request.SESSION)) {
        delete request.SESSION[key];
      }
      return {};
    });
    const key = keyOf(await call(app, "/write?v=orig"))!;
    const failed = await call(app, "/explode", withCookie(key));
    assert.equal(failed.status, 500);
    assert.equal(failed.headers.get("set-cookie"), null);
    const fresh = await call(app, "/explode");
    assert.equal(fresh.headers.get("set-cookie"), null);
    assert.equal(rows(app).length, 1);
    assert.equal(rows(app)[0].session_data, "{\"val\":\"orig\"}");
    const emptied = await call(app, "/empty", withCookie(key));
    assert.equal(emptied.status, 200);
    assert.equal(rows(app).length, 1);
    assert.equal(rows(app)[0].session_data, "{}");
  });

  it("keys a JSON path cannot name, and many keys at once, still merge", async () => {
    const { app } = setup();
    app.route("/odd", (request) => {
      request.SESSION["quote\"d"] = 1;
      request.SESSION["back\\slash"] = 2;
      for (let i = 0; i < 12; i++) request.SESSION[`k${i}`] = i;
      return {};
    });
    app.route("/drop", (request) => {
      delete request.SESSION["quote\"d"];
      request.SESSION.val = "kept";
      return {};
    });
    const client = new TestClient(app);
    await client.get("/write?v=first");
    await client.get("/odd");
    await client.get("/drop");
    const data = await (await client.get("/read")).json();
    assert.equal(data.val, "kept");
    assert.equal(data["back\\slash"], 2);
    assert.equal(data.k11, 11);
    assert.ok(!("quote\"d" in data));
  });

  it("nested mutations count as a change of their top-level key", async () => {
    const { app } = setup();
    app.route("/push", (request) => {
      const cart = (request.SESSION.cart ??= []) as number[];
      cart.push(cart.length);
      return { cart };
    });
    const client = new TestClient(app);
    await client.get("/push");
    await client.get("/push");
    assert.deepEqual(await (await client.get("/push")).json(), {
      cart: [0, 1, 2],
    });
  });
});

describe("SessionMiddleware: concurrency", () => {
  it("CONC-01 concurrent changes to different keys both persist", async () => {
    const { app } = setup();
    const key = keyOf(await call(app, "/write?v=0"))!;
    await Promise.all([
      call(app, "/set/a/1", withCookie(key)),
      call(app, "/set/b/2", withCookie(key)),
    ]);
    const data = await (await call(app, "/read", withCookie(key))).json();
    assert.deepEqual(data, { val: "0", a: "1", b: "2" });
    const many = await Promise.all(
      Array.from({ length: 100 }, () => call(app, "/counter", withCookie(key))),
    );
    assert.ok(many.every((r) => r.status === 200));
    const counter =
      (await (await call(app, "/read", withCookie(key))).json()).val;
    assert.ok(counter >= 1 && counter <= 100, String(counter));
  });

  it("CONC-02 a write after a concurrent logout does not resurrect the session", async () => {
    const { app } = setup();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    app.route("/slow-write", async (request) => {
      await held;
      request.SESSION.late = true;
      return {};
    });
    const key = keyOf(await call(app, "/write"))!;
    const b = call(app, "/slow-write", withCookie(key));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await call(app, "/flush", withCookie(key));
    release();
    const response = await b;
    assert.equal(rows(app).length, 0);
    const [cookie] = sessionCookies(response);
    assert.equal(cookieAttributes(cookie).get("max-age"), "0");
  });
});

describe("SessionMiddleware with short-circuiting middleware", () => {
  it("a short-circuit above it creates no row and does not crash", async () => {
    class Preflight extends SpiderwebMiddleware {
      override processRequest() {
        return new HttpResponse("", { status_code: 200 });
      }
    }
    const { app } = setup({ middleware: [Preflight, SessionMiddleware] });
    const response = await call(app, "/write", { method: "OPTIONS" });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("set-cookie"), null);
    assert.equal(rows(app).length, 0);
  });

  it("a short-circuit below it still gets the session saved", async () => {
    class Answer extends SpiderwebMiddleware {
      override processRequest(request: { SESSION: Record<string, unknown> }) {
        request.SESSION.seen = true;
        return new HttpResponse("answered");
      }
    }
    const { app } = setup({ middleware: [SessionMiddleware, Answer] });
    const response = await call(app, "/");
    assert.equal(sessionCookies(response).length, 1);
    assert.equal(rows(app).length, 1);
  });
});

function changesOf(app: SpiderwebRouter): number {
  const row = app.db.prepare("SELECT total_changes() AS n").get();
  return Number(row?.n);
}
