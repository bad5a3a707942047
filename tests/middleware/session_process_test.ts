import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { SessionMiddleware, SpiderwebRouter, TestClient } from "../../mod.ts";
import { recordingLogger, tempDir } from "../_helpers.ts";

const worker = fileURLToPath(new URL("./_session_worker.ts", import.meta.url));
const temp = tempDir();
after(() => temp.cleanup());

// The same runtime as the test runner, running the worker script.
function workerCommand(args: string[]): [string, string[]] {
  const runArgs = "Deno" in globalThis ? ["run", "-A", worker] : [worker];
  return [process.execPath, [...runArgs, ...args]];
}

function run(args: string[]): Promise<string> {
  const [command, argv] = workerCommand(args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on(
      "close",
      (code) =>
        code === 0
          ? resolve(out.trim())
          : reject(new Error(`exit ${code}: ${err}`)),
    );
  });
}

function sessionApp(db: string) {
  const app = new SpiderwebRouter({
    db,
    middleware: [SessionMiddleware],
    log: recordingLogger(),
  });
  app.route("/read", (request) => ({ ...request.SESSION }));
  app.route("/set/<str:key>/<str:value>", (request, { key, value }) => {
    request.SESSION[key] = value;
    return {};
  });
  return app;
}

describe("SessionMiddleware across processes", () => {
  it("two processes sharing one spiderweb.db see each other's sessions", async () => {
    const db = join(temp.dir, "shared.db");
    const key = await run([db, "write", "{\"writer\":\"child\"}"]);
    assert.match(key, /^[A-Za-z0-9]{64}$/);
    const app = sessionApp(db);
    const client = new TestClient(app);
    client.setCookie("swsession", key);
    assert.deepEqual(await (await client.get("/read")).json(), {
      writer: "child",
    });
    await client.get("/set/parent/yes");
    await app.close();
    assert.deepEqual(JSON.parse(await run([db, "read", key])), {
      writer: "child",
      parent: "yes",
    });
  });

  it("CONC-03 4 processes x 50 writers: no busy errors, no lost acknowledged writes", async () => {
    const db = join(temp.dir, "hammer.db");
    const key = await run([db, "write", "{\"start\":true}"]);
    const results = await Promise.all(
      [1, 2, 3, 4].map((id) => run([db, "hammer", key, String(id), "3000"])),
    );
    const app = sessionApp(db);
    const client = new TestClient(app);
    client.setCookie("swsession", key);
    const stored = await (await client.get("/read")).json();
    let total = 0;
    for (const line of results) {
      const { acked, errors } = JSON.parse(line);
      assert.equal(errors, 0);
      for (const [name, value] of Object.entries(acked)) {
        assert.equal(stored[name], value, name);
        total += value as number;
      }
    }
    assert.ok(total > 200, `only ${total} writes`);
    assert.equal(
      app.db.prepare("PRAGMA integrity_check").get()?.integrity_check,
      "ok",
    );
    await app.close();
    const wal = join(temp.dir, "hammer.db-wal");
    assert.ok(
      !existsSync(wal)
        || (await import("node:fs")).statSync(wal).size < 64 * 1024 * 1024,
    );
  });

  it("CONC-04 SIGKILL during writes leaves every acknowledged write, never a mix", async () => {
    const db = join(temp.dir, "killed.db");
    const key = await run([db, "write", "{\"i\":0}"]);
    let lastAck = 0;
    for (let round = 0; round < 50; round++) {
      const from = String(lastAck + 1);
      const [command, argv] = workerCommand([db, "kill", key, from]);
      const child = spawn(command, argv, {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let buffer = "";
      await new Promise<void>((resolve) => {
        let killTimer: ReturnType<typeof setTimeout> | undefined;
        child.stdout.on("data", (data) => {
          buffer += data;
          const acks = [...buffer.matchAll(/ack (\d+)\n/g)];
          if (acks.length) lastAck = Math.max(lastAck, Number(acks.at(-1)![1]));
          killTimer ??= setTimeout(
            () => child.kill("SIGKILL"),
            Math.random() * 60,
          );
        });
        child.on("close", () => resolve());
      });
      const app = sessionApp(db);
      const check = app.db.prepare("PRAGMA integrity_check").get();
      assert.equal(check?.integrity_check, "ok");
      const row = app.db.prepare("SELECT session_data FROM spiderweb_sessions")
        .get();
      const data = JSON.parse(String(row?.session_data));
      if (lastAck > 0) {
        const [prefix, fill] = String(data.big).split(":");
        assert.ok(
          Number(prefix) >= lastAck,
          `acked ${lastAck}, stored ${prefix}`,
        );
        assert.equal(Number(prefix), data.i);
        assert.equal(
          fill,
          String.fromCharCode(97 + (data.i % 26)).repeat(200_000),
        );
      }
      await app.close();
    }
    assert.ok(lastAck > 0);
  });
});
