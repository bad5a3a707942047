import { after, describe, it } from "node:test";
import process from "node:process";
import assert from "node:assert/strict";
import {
  ServiceUnavailable,
  SessionMiddleware,
  type SessionStore,
  SpiderwebRouter,
  SqliteSessionStore,
  TestClient,
} from "../../mod.ts";
import { recordingLogger, tempDir } from "../_helpers.ts";
import { startServerProcess } from "../_child_app.ts";

const temp = tempDir();
after(() => temp.cleanup());

// A working SQLite store whose `destroy` fails as `error` says.
function storeFailingDestroy(db: string, error: Error): SessionStore {
  const app = new SpiderwebRouter({ db, log: recordingLogger() });
  const store = new SqliteSessionStore({ db: () => app.db });
  return Object.assign(Object.create(store), {
    destroy: () => Promise.reject(error),
    load: store.load.bind(store),
    create: store.create.bind(store),
    merge: store.merge.bind(store),
    touch: store.touch.bind(store),
    rotate: store.rotate.bind(store),
  });
}

function flushApp(store: SessionStore) {
  const log = recordingLogger();
  const app = new SpiderwebRouter({
    db: `${temp.dir}/app.db`,
    log,
    middleware: [SessionMiddleware],
    session_store: store,
    session_purge_interval: 0,
  });
  app.route("/set", (request) => {
    request.SESSION.a = 1;
    return {};
  });
  app.route("/flush", (request) => {
    request.flushSession();
    return {};
  });
  app.route("/plain", () => ({ ok: true }));
  return { app, log };
}

describe("SessionMiddleware: store failures", () => {
  for (
    const [what, error, status] of [
      ["a failing", new Error("disk on fire"), 500],
      ["an unavailable", new ServiceUnavailable("store is down"), 503],
    ] as const
  ) {
    it(`an un-awaited flush on ${what} store is a logged ${status}, never an unhandled rejection`, async () => {
      const rejections: unknown[] = [];
      const onRejection = (reason: unknown) => rejections.push(reason);
      process.on("unhandledRejection", onRejection);
      try {
        const store = storeFailingDestroy(`${temp.dir}/${status}.db`, error);
        const { app, log } = flushApp(store);
        const client = new TestClient(app);
        await client.get("/set");
        const response = await client.get("/flush");
        assert.equal(response.status, status);
        assert.doesNotMatch(await response.text(), /disk on fire/);
        if (status === 500) {
          assert.ok(log.lines.some((line) => line.includes("disk on fire")));
        }
        // Nothing escapes the request, and the app still serves.
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(rejections, []);
        assert.equal((await client.get("/plain")).status, 200);
        await app.close();
      } finally {
        process.off("unhandledRejection", onRejection);
      }
    });
  }
});

// The same runtime as the test runner, running a server in a child process.
async function startChild(
  mode: string,
): Promise<{ url: string; stop: () => void }> {
  const server = await startServerProcess(
    new URL("../testdata/failing_store_app.ts", import.meta.url),
    [mode],
  );
  return { url: server.url, stop: () => void server.kill() };
}

describe("a server whose session store throws in every method", () => {
  for (const [mode, status] of [["error", 500], ["down", 503]] as const) {
    it(`keeps serving (${mode}: ${status} for requests that reach the store)`, async () => {
      const { url, stop } = await startChild(mode);
      try {
        const cookie = { cookie: `swsession=${"a".repeat(64)}` };
        for (const path of ["flush", "write", "flush"]) {
          const response = await fetch(new URL(path, url), { headers: cookie });
          assert.equal(response.status, status);
          await response.body?.cancel();
        }
        // Still alive after the failures settled; a visitor without a
        // session cookie needs no store at all.
        await new Promise((resolve) => setTimeout(resolve, 100));
        const plain = await fetch(new URL("plain", url));
        assert.equal(plain.status, 200);
        assert.deepEqual(await plain.json(), { ok: true });
      } finally {
        stop();
      }
    });
  }
});
