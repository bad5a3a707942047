// A database locked by another process never freezes the server: session
// writes retry asynchronously while other requests are served.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { HttpResponse, SessionMiddleware, SpiderwebRouter } from "../../mod.ts";
import { call, recordingLogger, tempDir } from "../_helpers.ts";
import { keyOf } from "./_session_helpers.ts";

const temp = tempDir();
after(() => temp.cleanup());
const holder = fileURLToPath(
  new URL("../testdata/hold_lock.ts", import.meta.url),
);

// Another process takes the write lock for `ms`; resolves once it holds it,
// with a promise of its release (wrapped: resolving with a bare promise would
// adopt it and wait for the release instead).
function holdLock(
  db: string,
  ms: number,
): Promise<{ released: Promise<void> }> {
  const args = "Deno" in globalThis
    ? ["run", "-A", holder, db, String(ms)]
    : [holder, db, String(ms)];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) =>
    child.on("exit", () => resolve())
  );
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      if (String(d).includes("LOCKED")) resolve({ released: exited });
    });
    child.on("error", reject);
  });
}

function lockApp(db: string, options: Record<string, unknown> = {}) {
  const app = new SpiderwebRouter({
    db,
    log: recordingLogger(),
    middleware: [SessionMiddleware],
    session_purge_interval: 0,
    ...options,
  });
  app.route("/plain", () => new HttpResponse("no database here"));
  app.route("/write", (request) => {
    request.SESSION.n = Number(request.SESSION.n ?? 0) + 1;
    return { n: request.SESSION.n };
  });
  return app;
}

describe("a database locked by another process", () => {
  it("other requests are served at once, and a session write issued during the lock succeeds after it", async () => {
    const db = join(temp.dir, "locked.db");
    const app = lockApp(db);
    const key = keyOf(await call(app, "/write"))!;
    const cookie = { headers: { cookie: `swsession=${key}` } };
    const { released } = await holdLock(db, 1500);
    let writeDone = false;
    const write = call(app, "/write", cookie).then((response) => {
      writeDone = true;
      return response;
    });
    const plain = await call(app, "/plain");
    assert.equal(plain.status, 200);
    assert.equal(writeDone, false, "the plain request waited for the lock");
    const written = await write;
    assert.equal(written.status, 200);
    assert.deepEqual(await written.json(), { n: 2 });
    await released;
    const again = await call(app, "/write", cookie);
    assert.deepEqual(await again.json(), { n: 3 });
    await app.close();
  });

  it("past db_busy_timeout the request gets 503 with Retry-After, nothing half-written", async () => {
    const db = join(temp.dir, "locked-long.db");
    const app = lockApp(db, { db_busy_timeout: 0.3 });
    const key = keyOf(await call(app, "/write"))!;
    const cookie = { headers: { cookie: `swsession=${key}` } };
    const { released } = await holdLock(db, 1500);
    const refused = await call(app, "/write", cookie);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "1");
    await released;
    const after = await call(app, "/write", cookie);
    assert.deepEqual(await after.json(), { n: 2 });
    await app.close();
  });

  it("db_busy_timeout must be a non-negative number of seconds", () => {
    for (const bad of [-1, "5", Number.NaN]) {
      assert.throws(
        () => new SpiderwebRouter({ db_busy_timeout: bad as number }),
        /^ConfigError.*db_busy_timeout must be a non-negative number of seconds, got /s,
      );
    }
  });
});
