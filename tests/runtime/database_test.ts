import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HttpResponse, SessionMiddleware, SpiderwebRouter } from "../../mod.ts";
import { runtime } from "../../src/runtime/load.ts";
import { call, recordingLogger, tempDir } from "../_helpers.ts";

const temp = tempDir();
after(() => temp.cleanup());

describe("openDatabase()", () => {
  it("returns plain rows and run() results on this runtime", () => {
    const db = runtime.openDatabase(":memory:");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
    const result = db.prepare("INSERT INTO t (name) VALUES (?)").run("a");
    assert.equal(result.changes, 1);
    assert.equal(Number(result.lastInsertRowid), 1);
    assert.deepEqual(db.prepare("SELECT * FROM t WHERE id = ?").get(1), {
      id: 1,
      name: "a",
    });
    assert.equal(db.prepare("SELECT * FROM t WHERE id = ?").get(9), undefined);
    assert.deepEqual(db.prepare("SELECT name FROM t").all(), [{ name: "a" }]);
    db.close();
  });

  it("CONC-05 file databases use WAL, a short busy_timeout and synchronous=NORMAL", () => {
    const db = runtime.openDatabase(join(temp.dir, "nested", "dir", "x.db"));
    assert.equal(db.prepare("PRAGMA journal_mode").get()?.journal_mode, "wal");
    // Short: longer locks are waited for asynchronously (runtime/busy.ts).
    assert.equal(
      Number(db.prepare("PRAGMA busy_timeout").get()?.timeout),
      20,
    );
    assert.equal(
      Number(db.prepare("PRAGMA synchronous").get()?.synchronous),
      1,
    );
    assert.equal(
      Number(db.prepare("PRAGMA foreign_keys").get()?.foreign_keys),
      1,
    );
    db.close();
  });

  it("transaction() commits, or rolls back when the function throws", () => {
    const db = runtime.openDatabase(":memory:");
    db.exec("CREATE TABLE t (x)");
    db.transaction(() => db.prepare("INSERT INTO t VALUES (1)").run());
    assert.throws(() =>
      db.transaction(() => {
        db.prepare("INSERT INTO t VALUES (2)").run();
        throw new Error("abort");
      }), /abort/);
    assert.deepEqual(db.prepare("SELECT x FROM t").all(), [{ x: 1 }]);
    db.close();
  });

  it("CONC-03 BEGIN DEFERRED upgrades fail at once; BEGIN IMMEDIATE waits its turn", () => {
    const path = join(temp.dir, "deferred.db");
    const a = runtime.openDatabase(path);
    const b = runtime.openDatabase(path);
    a.exec("CREATE TABLE t (x)");
    a.exec("INSERT INTO t VALUES (0)");
    b.exec("PRAGMA busy_timeout = 100");
    a.exec("BEGIN DEFERRED");
    b.exec("BEGIN DEFERRED");
    a.prepare("SELECT x FROM t").get();
    b.prepare("SELECT x FROM t").get();
    a.exec("UPDATE t SET x = 1");
    a.exec("COMMIT");
    // b read before a's commit: its snapshot is stale, so the upgrade to a
    // writer fails whatever the busy timeout. This is why writes use IMMEDIATE.
    assert.throws(() => b.exec("UPDATE t SET x = 2"), /locked|busy/i);
    b.exec("ROLLBACK");
    b.transaction(() => {
      const x = Number(b.prepare("SELECT x FROM t").get()?.x);
      b.prepare("UPDATE t SET x = ?").run(x + 1);
    });
    assert.equal(Number(a.prepare("SELECT x FROM t").get()?.x), 2);
    a.close();
    b.close();
  });

  it("CONC-05 a non-SQLite file is an error naming the path, file untouched", () => {
    const path = join(temp.dir, "not-a-db.db");
    writeFileSync(path, "this is not a database, it is plain text ".repeat(50));
    const before = readFileSync(path);
    assert.throws(() => {
      const db = runtime.openDatabase(path);
      db.prepare("SELECT * FROM sqlite_master").all();
    }, (e: unknown) => e instanceof Error && e.message.includes(path));
    assert.deepEqual(readFileSync(path), before);
  });

  it("CONC-05 an unwritable location is a logged 500 naming the path", async () => {
    // A folder that cannot be created (its parent is a file) fails for root
    // too, unlike permission bits.
    const blocker = join(temp.dir, "blocker");
    writeFileSync(blocker, "a file, not a folder");
    const path = join(blocker, "sub", "spiderweb.db");
    const log = recordingLogger();
    const app = new SpiderwebRouter({
      db: path,
      log,
      middleware: [SessionMiddleware],
    });
    app.route("/write", (request) => {
      request.SESSION.a = 1;
      return {};
    });
    const response = await call(app, "/write");
    assert.equal(response.status, 500);
    assert.ok(
      log.lines.some((l) => l.includes(`Cannot open database "${path}"`)),
    );
    assert.equal(readFileSync(blocker, "utf8"), "a file, not a folder");
    await app.close();
  });

  it("CONC-05 a full disk fails that request only; the server keeps serving", async () => {
    const log = recordingLogger();
    const app = new SpiderwebRouter({
      db: join(temp.dir, "full.db"),
      log,
      middleware: [SessionMiddleware],
    });
    app.route("/big", (request) => {
      request.SESSION.blob = "x".repeat(Number(request.GET.get("n")));
      return new HttpResponse("ok");
    });
    app.route("/", () => new HttpResponse("alive"));
    assert.equal((await call(app, "/big?n=10")).status, 200);
    const pages = Number(app.db.prepare("PRAGMA page_count").get()?.page_count);
    app.db.exec(`PRAGMA max_page_count = ${pages + 2}`);
    const full = await call(app, "/big?n=200000");
    assert.equal(full.status, 503);
    // The driver's message goes to the log, never to the client.
    assert.doesNotMatch(await full.text(), /disk|full|SQLITE/i);
    assert.ok(log.lines.some((l) => /database or disk is full/.test(l)));
    assert.equal(await (await call(app, "/")).text(), "alive");
    assert.equal((await call(app, "/big?n=10")).status, 200);
    const check = app.db.prepare("PRAGMA integrity_check").get();
    assert.equal(check?.integrity_check, "ok");
    await app.close();
  });

  it("the database opens on first need, never at construction", async () => {
    const path = join(temp.dir, "lazy", "spiderweb.db");
    const app = new SpiderwebRouter({
      db: path,
      log: recordingLogger(),
      middleware: [SessionMiddleware],
    });
    app.route("/", () => new HttpResponse("hi"));
    await call(app, "/");
    assert.equal(app.hasOpenDatabase, false);
    assert.throws(() => readFileSync(path));
    await app.close();
  });
});
