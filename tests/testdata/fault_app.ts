// A server for the fault tests: sessions on the store named by the first
// argument (`sqlite <file>`, `redis <url>`, `postgres <url>`). Prints its
// URL, then serves until killed. Routes: /plain (no database), /write (the
// session counter plus one), /read, and for SQLite /fault/<name>, which puts
// the app's database into a fault (`readonly`, `full`) or out of it (`clear`).
import process from "node:process";
import postgres from "postgres";
import { createClient } from "redis";
import {
  PostgresSessionStore,
  RedisSessionStore,
  SessionMiddleware,
  type SessionStore,
  SpiderwebRouter,
} from "../../mod.ts";

const [kind, target] = process.argv.slice(2);

async function storeFor(): Promise<SessionStore | undefined> {
  if (kind === "redis") {
    // Commands fail at once while Redis is down instead of queueing.
    const client = createClient({
      url: target,
      disableOfflineQueue: true,
      socket: { reconnectStrategy: () => 50 },
    }).on("error", () => {});
    return new RedisSessionStore({ client: await client.connect() });
  }
  if (kind === "postgres") {
    // Reconnect attempts 0.1 s apart (the README's advice): postgres.js's
    // own backoff grows to 20 s, and queries wait for it.
    const sql = postgres(target, {
      max: 4,
      onnotice: () => {},
      backoff: () => 0.1,
      connect_timeout: 2,
    });
    return new PostgresSessionStore({ sql });
  }
  return undefined; // SQLite, in the app's database
}

const app = new SpiderwebRouter({
  port: 0,
  db: kind === "sqlite" ? target : ":memory:",
  middleware: [SessionMiddleware],
  session_store: await storeFor(),
  session_purge_interval: 0,
  log: {
    debug() {},
    info() {},
    warn() {},
    error: (...data) => process.stderr.write(`${data.join(" ")}\n`),
  },
});
app.route("/plain", () => ({ alive: true }));
app.route("/write", (request) => {
  request.SESSION.n = Number(request.SESSION.n ?? 0) + 1;
  request.SESSION.pad = "x".repeat(Number(request.GET.get("pad") ?? 0));
  return { n: request.SESSION.n };
});
app.route("/read", (request) => ({ n: request.SESSION.n ?? null }));
// Root ignores file permissions, so a read-only database is made with
// `query_only` (the same SQLITE_READONLY error), a full disk with a page cap
// (the same SQLITE_FULL).
app.route("/fault/<name>", (_request, { name }) => {
  const pages = Number(app.db.prepare("PRAGMA page_count").get()?.page_count);
  const pragmas: Record<string, string> = {
    readonly: "PRAGMA query_only = ON",
    full: `PRAGMA max_page_count = ${pages + 1}`,
    clear: "PRAGMA query_only = OFF; PRAGMA max_page_count = 1073741823",
  };
  app.db.exec(pragmas[String(name)]);
  return { fault: name };
});
const server = await app.start({ handleSignals: true });
process.stdout.write(`${server.url}\n`);
