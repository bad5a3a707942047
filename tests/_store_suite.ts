// One set of behaviour tests for every SessionStore: SQLite, Redis and
// PostgreSQL run the same cases, through the middleware and directly.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createUser,
  HttpResponse,
  login,
  SessionMiddleware,
  type SessionStore,
  SpiderwebRouter,
  TestClient,
} from "../mod.ts";
import { hashKey } from "../src/sessions/session_key.ts";
import { recordingLogger, tempDir } from "./_helpers.ts";

/** Creates a fresh, empty store (and what to clean up). */
export type StoreFactory = () => Promise<{
  store: SessionStore;
  cleanup: () => Promise<void>;
}>;

const empty = { set: new Map<string, string>(), remove: [] as string[] };

export function storeSuite(name: string, factory: StoreFactory): void {
  describe(`${name}: the shared store suite`, () => {
    let store: SessionStore;
    let cleanup: () => Promise<void>;
    const temp = tempDir();
    let app: SpiderwebRouter;

    before(async () => {
      ({ store, cleanup } = await factory());
      app = new SpiderwebRouter({
        db: `${temp.dir}/users.db`,
        log: recordingLogger(),
        middleware: [SessionMiddleware],
        session_store: store,
      });
      app.route("/", () => new HttpResponse("plain"));
      app.route("/read", (request) => ({ ...request.SESSION }));
      app.route("/set/<str:key>/<str:value>", (request, { key, value }) => {
        request.SESSION[key] = value;
        return {};
      });
      app.route("/del/<str:key>", (request, { key }) => {
        delete request.SESSION[key];
        return {};
      });
      app.route("/cycle", (request) => {
        request.cycleSessionKey();
        return {};
      });
      app.route("/flush", async (request) => {
        await request.flushSession();
        return {};
      });
      app.route("/json", (request) => {
        Object.assign(request.SESSION, request.json());
        return {};
      }, { allowed_methods: ["POST"] });
      app.route("/expiry/<str:value>", (request, { value }) => {
        request.session!.setExpiry(
          value === "null"
            ? null
            : value.startsWith("at")
            ? new Date(Number(value.slice(2)))
            : Number(value),
        );
        return {};
      });
      app.route("/expiry", (request) => ({
        age: request.session!.getExpiryAge(),
        date: request.session!.getExpiryDate().getTime(),
        close: request.session!.getExpireAtBrowserClose(),
      }));
      // The Python original's flush is synchronous: users forget the await.
      app.route("/flush-no-await", (request) => {
        request.flushSession();
        return { left: Object.keys(request.SESSION).length };
      });
      app.route("/flush-then-set", (request) => {
        request.flushSession();
        request.SESSION.fresh = "yes";
        return {};
      });
      app.route("/login/<int:id>", async (request, { id }) => {
        const { getUser } = await import("../mod.ts");
        await login(request, getUser(app, id)!);
        return {};
      });
    });

    after(async () => {
      await app.close();
      await cleanup();
      temp.cleanup();
    });

    it("creates nothing for requests that do not write", async () => {
      const client = new TestClient(app);
      const response = await client.get("/read");
      assert.deepEqual(await response.json(), {});
      assert.equal(response.headers.get("set-cookie"), null);
    });

    it("writes, reads back, and deletes keys", async () => {
      const client = new TestClient(app);
      await client.get("/set/a/1");
      await client.get("/set/b/2");
      await client.get("/del/a");
      assert.deepEqual(await (await client.get("/read")).json(), { b: "2" });
    });

    it("merges concurrent changes to different keys", async () => {
      const client = new TestClient(app);
      await client.get("/set/start/0");
      const cookie = {
        headers: { cookie: `swsession=${client.cookies().swsession}` },
      };
      await Promise.all(
        Array.from(
          { length: 10 },
          (_, i) => client.get(`/set/k${i}/${i}`, cookie),
        ),
      );
      const data = await (await client.get("/read")).json();
      for (let i = 0; i < 10; i++) assert.equal(data[`k${i}`], String(i));
    });

    it("rotation keeps the data under a new key; the old one is dead", async () => {
      const client = new TestClient(app);
      await client.get("/set/kept/yes");
      const old = client.cookies().swsession;
      await client.get("/cycle");
      assert.notEqual(client.cookies().swsession, old);
      assert.deepEqual(await (await client.get("/read")).json(), {
        kept: "yes",
      });
      const replay = new TestClient(app);
      replay.setCookie("swsession", old);
      assert.deepEqual(await (await replay.get("/read")).json(), {});
    });

    it("flush deletes the session", async () => {
      const client = new TestClient(app);
      await client.get("/set/a/1");
      const key = client.cookies().swsession;
      await client.get("/flush");
      assert.equal(await store.load(hashKey(key), Date.now()), undefined);
    });

    it("flushSession() without await empties SESSION at once, clears the cookie and kills the key before the response", async () => {
      const client = new TestClient(app);
      await client.get("/set/a/1");
      const key = client.cookies().swsession;
      const response = await client.get("/flush-no-await");
      assert.deepEqual(await response.json(), { left: 0 });
      // Checked as soon as the response exists: no later tick may be needed.
      assert.equal(await store.load(hashKey(key), Date.now()), undefined);
      assert.match(response.headers.get("set-cookie") ?? "", /Max-Age=0/);
      assert.equal(client.cookies().swsession, undefined);
      const replay = new TestClient(app);
      replay.setCookie("swsession", key);
      assert.deepEqual(await (await replay.get("/read")).json(), {});
    });

    it("data set after an un-awaited flush lands in a new session under a new key", async () => {
      const client = new TestClient(app);
      await client.get("/set/old/1");
      const key = client.cookies().swsession;
      await client.get("/flush-then-set");
      assert.notEqual(client.cookies().swsession, key);
      assert.equal(await store.load(hashKey(key), Date.now()), undefined);
      assert.deepEqual(await (await client.get("/read")).json(), {
        fresh: "yes",
      });
    });

    it("keys and values round-trip exactly: NUL, lone surrogates, quotes, backslashes, dots, $, long keys, nesting", async () => {
      const tricky: Record<string, unknown> = {
        "nul\u0000key": "nul\u0000value",
        "lone\ud800": "lone\udc00",
        "quote\"key": "quote\"value",
        "back\\slash": "back\\slash",
        "dot.key": "$.value",
        "$dollar": ["$", { "$.": "x" }],
        ["k".repeat(2000)]: "long",
        nested: { a: [1, { b: null, "c\u0000": "\ud83d\ude00" }] },
      };
      const client = new TestClient(app);
      // Created with the first half, merged with the rest.
      const entries = Object.entries(tricky);
      const half = Math.floor(entries.length / 2);
      const post = (part: [string, unknown][]) =>
        client.post("/json", { json: Object.fromEntries(part) });
      assert.equal((await post(entries.slice(0, half))).status, 200);
      assert.equal((await post(entries.slice(half))).status, 200);
      // Changed again (the merge path for existing keys).
      assert.equal((await post(entries.slice(0, half))).status, 200);
      const read = await (await client.get("/read")).json();
      assert.deepEqual(read, tricky);
    });

    it("setExpiry(seconds) persists with the session and sets the cookie's Max-Age", async () => {
      const client = new TestClient(app);
      await client.get("/set/a/1");
      const response = await client.get("/expiry/300");
      assert.match(response.headers.get("set-cookie") ?? "", /Max-Age=300;/);
      const key = client.cookies().swsession;
      const record = await store.load(hashKey(key), Date.now());
      assert.ok(record!.expiresAt <= Date.now() + 300_000);
      assert.ok(record!.expiresAt > Date.now() + 290_000);
      const read = await (await client.get("/expiry")).json();
      assert.equal(read.age, 300);
      assert.equal(read.close, false);
      assert.equal((await (await client.get("/read")).json()).a, "1");
    });

    it("setExpiry(0) makes a browser-session cookie; the server still expires it after session_max_age", async () => {
      const client = new TestClient(app);
      const response = await client.get("/expiry/0");
      const cookie = response.headers.get("set-cookie") ?? "";
      assert.match(cookie, /^swsession=/);
      assert.doesNotMatch(cookie, /Max-Age|Expires/);
      const record = await store.load(
        hashKey(client.cookies().swsession),
        Date.now(),
      );
      assert.ok(record!.expiresAt > Date.now() + 1_209_000_000);
      const read = await (await client.get("/expiry")).json();
      assert.equal(read.close, true);
      assert.equal(read.age, 1209600);
    });

    it("setExpiry(Date) is absolute; setExpiry(null) returns to the settings", async () => {
      const client = new TestClient(app);
      const at = Date.now() + 3_600_000;
      await client.get(`/expiry/at${at}`);
      const read = await (await client.get("/expiry")).json();
      assert.ok(Math.abs(read.date - at) < 1000, `${read.date} vs ${at}`);
      assert.ok(read.age <= 3600 && read.age >= 3595);
      await client.get("/expiry/null");
      const back = await (await client.get("/expiry")).json();
      assert.equal(back.age, 1209600);
      assert.equal(back.close, false);
    });

    it("expired sessions are never returned; clearExpired sweeps them", async () => {
      const now = Date.now();
      const meta = { userId: null, createdAt: now, lastActive: now };
      await store.create("dead", new Map([["a", "1"]]), {
        ...meta,
        expiresAt: now + 200,
      });
      await store.create("live", new Map([["a", "2"]]), {
        ...meta,
        expiresAt: now + 60_000,
      });
      assert.ok(await store.load("dead", now));
      assert.equal(await store.load("dead", now + 300), undefined);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await store.clearExpired(Date.now());
      assert.equal(await store.load("dead", Date.now()), undefined);
      assert.deepEqual((await store.load("live", Date.now()))?.data, { a: 2 });
    });

    it("touch moves the expiry; merge and touch report a vanished session", async () => {
      const now = Date.now();
      await store.create("t", new Map(), {
        userId: null,
        createdAt: now,
        lastActive: now,
        expiresAt: now + 1000,
      });
      assert.ok(await store.touch("t", now, now + 120_000));
      assert.ok(await store.load("t", now + 5000));
      await store.destroy("t");
      assert.equal(await store.touch("t", now, now + 1000), false);
      assert.equal(
        await store.merge("t", { set: new Map([["x", "1"]]), remove: [] }, {}),
        false,
      );
      assert.equal(await store.load("t", now), undefined);
    });

    it("revokeUser ends every session of that user only", async () => {
      const user = await createUser(app, { username: `u${Date.now()}` });
      const other = await createUser(app, { username: `o${Date.now()}` });
      const a = new TestClient(app);
      const b = new TestClient(app);
      const c = new TestClient(app);
      await a.get(`/login/${user.id}`);
      await b.get(`/login/${user.id}`);
      await c.get(`/login/${other.id}`);
      assert.equal(await app.revokeUserSessions(user.id), 2);
      for (const client of [a, b]) {
        assert.deepEqual(await (await client.get("/read")).json(), {});
      }
      assert.ok((await (await c.get("/read")).json())._auth_user_id);
    });

    it("bad data: reserved names stay data, odd keys round-trip", async () => {
      const now = Date.now();
      const data = new Map([
        ["__proto__", "{\"isAdmin\":true}"],
        ["qu\"ote", "1"],
        ["", "\"empty\""],
      ]);
      await store.create("odd", data, {
        userId: null,
        createdAt: now,
        lastActive: now,
        expiresAt: now + 60_000,
      });
      await store.merge("odd", {
        set: new Map([["n", "null"]]),
        remove: ["qu\"ote"],
      }, {});
      const loaded = (await store.load("odd", now))!.data!;
      assert.equal((loaded as { isAdmin?: boolean }).isAdmin, undefined);
      assert.deepEqual(Object.keys(loaded).sort(), ["", "__proto__", "n"]);
      assert.equal(loaded.n, null);
      await store.rotate("odd", "odd2", empty, {
        userId: null,
        createdAt: now,
        lastActive: now,
        expiresAt: now + 60_000,
      });
      assert.equal(await store.load("odd", now), undefined);
      assert.equal((await store.load("odd2", now))!.data![""], "empty");
    });
  });
}
