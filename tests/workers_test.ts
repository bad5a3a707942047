import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { tempDir } from "./_helpers.ts";
import { freePort } from "./_servers.ts";

const script = fileURLToPath(
  new URL("./testdata/workers_app.ts", import.meta.url),
);
const temp = tempDir();
after(() => temp.cleanup());

async function get(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  return await response.json();
}

// Polls for up to 20 s (workers start slowly on a loaded machine) until two
// processes have answered.
async function pidsSeen(base: string): Promise<Set<number>> {
  const pids = new Set<number>();
  const deadline = Date.now() + 20_000;
  while (pids.size < 2 && Date.now() < deadline) {
    try {
      // A new connection each time, so the kernel spreads them.
      const answer = await get(`${base}/pid`, {
        headers: { connection: "close" },
      });
      pids.add(answer.pid);
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return pids;
}

describe("app.start({ workers: 2 })", () => {
  it("serves from two processes on one port, shares the sessions, restarts a crashed worker and stops cleanly", async () => {
    const port = await freePort();
    const runArgs = "Deno" in globalThis
      ? ["run", "-A", "--unstable-net", script]
      : [script];
    const primary = spawn(process.execPath, runArgs, {
      env: {
        ...process.env,
        PORT: String(port),
        DB: join(temp.dir, "workers.db"),
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const exited = new Promise((resolve) => primary.on("exit", resolve));
    const base = `http://127.0.0.1:${port}`;
    try {
      const pids = await pidsSeen(base);
      assert.equal(pids.size, 2, "two worker processes answer");
      assert.ok(!pids.has(primary.pid!));

      const first = await fetch(`${base}/set/start/0`);
      const cookie = first.headers.getSetCookie()[0].split(";")[0];
      const writes = await Promise.all(
        Array.from(
          { length: 60 },
          (_, i) =>
            get(`${base}/set/k${i}/${i}`, {
              headers: { cookie, connection: "close" },
            }),
        ),
      );
      assert.ok(new Set(writes.map((w) => w.pid)).size >= 1);
      const data = await get(`${base}/read`, { headers: { cookie } });
      for (let i = 0; i < 60; i++) {
        assert.equal(data[`k${i}`], String(i), `k${i}`);
      }

      const crashed = (await get(`${base}/crash`)).pid;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = await pidsSeen(base);
      assert.equal(after.size, 2, "a replacement worker answers");
      assert.ok(!after.has(crashed));
    } finally {
      primary.kill("SIGTERM");
      await exited;
    }
    await assert.rejects(fetch(`${base}/pid`));
  });
});
