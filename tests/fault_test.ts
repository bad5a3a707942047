// The fault suite (real server processes, real Redis and PostgreSQL): a
// server meets a failing backend (Redis or PostgreSQL stopped and restarted
// mid-traffic, a read-only database, a full disk) and answers 503 while it
// lasts, loses no acknowledged write,
// recovers without a restart, and is still serving afterwards. The other
// faults have their own files: a database locked by another process
// (middleware/session_lock_test.ts), SIGKILL during writes
// (middleware/session_process_test.ts, CONC-04), a store that throws in
// every method (middleware/session_failure_test.ts).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { type ServerProcess, startServerProcess } from "./_child_app.ts";
import { tempDir } from "./_helpers.ts";
import { startPostgres, startRedis } from "./_servers.ts";

const temp = tempDir();
after(() => temp.cleanup());
const app = new URL("./testdata/fault_app.ts", import.meta.url);

// One visitor: its session cookie and the counter values it was answered.
class Visitor {
  cookie = "";
  acknowledged: number[] = [];
  statuses: number[] = [];
  readonly server: ServerProcess;
  constructor(server: ServerProcess) {
    this.server = server;
  }

  async send(path: string): Promise<Response> {
    const response = await fetch(new URL(path, this.server.url), {
      headers: this.cookie ? { cookie: this.cookie } : {},
    });
    const set = response.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0];
    return response;
  }

  async write(path = "/write"): Promise<number> {
    const response = await this.send(path);
    this.statuses.push(response.status);
    const text = await response.text();
    if (response.status === 200) this.acknowledged.push(JSON.parse(text).n);
    else assert.doesNotMatch(text, /ECONN|socket|connect|closed|SQLITE/i);
    return response.status;
  }

  async read(): Promise<unknown> {
    const response = await this.send("/read");
    assert.equal(response.status, 200);
    return (await response.json()).n;
  }
}

async function stillServing(server: ServerProcess): Promise<void> {
  const response = await fetch(new URL("/plain", server.url));
  assert.deepEqual(await response.json(), { alive: true });
  assert.equal(server.child.exitCode, null, server.stderr());
}

// Visitors write without pause while `fault` runs, then until each has been
// answered 200 again; no acknowledged write may be lost.
async function writeThrough(
  server: ServerProcess,
  fault: () => Promise<void>,
): Promise<Visitor[]> {
  const visitors = Array.from({ length: 4 }, () => new Visitor(server));
  for (const visitor of visitors) assert.equal(await visitor.write(), 200);
  let faultOver = false;
  const traffic = visitors.map(async (visitor) => {
    while (!faultOver || visitor.statuses.at(-1) !== 200) {
      const status = await visitor.write();
      assert.ok(status === 200 || status === 503, `status ${status}`);
      if (status !== 200) await new Promise((r) => setTimeout(r, 20));
    }
  });
  await fault();
  faultOver = true;
  await Promise.all(traffic);
  for (const visitor of visitors) {
    const acked = visitor.acknowledged;
    // Increasing: a value lower than one already acknowledged would be a
    // lost write (a write cut off before its answer may skip one).
    for (let i = 1; i < acked.length; i++) {
      assert.ok(acked[i] > acked[i - 1], `acknowledged ${acked.join(",")}`);
    }
    assert.equal(await visitor.read(), acked.at(-1));
  }
  return visitors;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Each backend: started, then stopped (killed) and started again.
const backends = [
  ["Redis", "redis", () => startRedis(true)],
  ["PostgreSQL", "postgres", startPostgres],
] as const;

describe("faults: session stores stopped and restarted mid-traffic", () => {
  for (const [name, kind, startBackend] of backends) {
    it(`${name}: 503 while down, recovery after, no acknowledged write lost`, async () => {
      const backend = await startBackend();
      const server = await startServerProcess(app, [kind, backend.url]);
      try {
        const visitors = await writeThrough(server, async () => {
          await pause(200);
          await backend.stop();
          await pause(500);
          await stillServing(server);
          await backend.start();
        });
        assert.ok(visitors.some((v) => v.statuses.includes(503)));
        await stillServing(server);
      } finally {
        await server.kill();
        await backend.cleanup();
      }
    });
  }
});

describe("faults: a database that cannot be written", () => {
  for (const fault of ["readonly", "full"]) {
    it(`${fault}: writes get 503, reads and plain pages are served, writes resume after`, async () => {
      const db = join(temp.dir, `${fault}.db`);
      const server = await startServerProcess(app, ["sqlite", db]);
      try {
        const visitor = new Visitor(server);
        for (let i = 0; i < 3; i++) assert.equal(await visitor.write(), 200);
        await visitor.send(`/fault/${fault}`);
        assert.equal(await visitor.write("/write?pad=20000"), 503);
        assert.equal(await visitor.read(), 3, "nothing half-written");
        await stillServing(server);
        await visitor.send("/fault/clear");
        assert.equal(await visitor.write(), 200);
        assert.deepEqual(visitor.acknowledged, [1, 2, 3, 4]);
        await stillServing(server);
      } finally {
        await server.kill();
      }
    });
  }
});
