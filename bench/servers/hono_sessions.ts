// What a Bun user would otherwise pick for sessions: Hono with hono-sessions
// and its Bun SQLite store.
import { Hono } from "hono";
import { type Session, sessionMiddleware } from "hono-sessions";
import { BunSqliteStore } from "hono-sessions/bun-sqlite-store";
import { DB, PORT, ready } from "./_shared.ts";

const { Database } = await import("bun:sqlite" as string);
const db = new Database(DB);
db.run("PRAGMA journal_mode = WAL");
const store = new BunSqliteStore(db);

const app = new Hono<
  { Variables: { session: Session; session_key_rotation: boolean } }
>();
app.use(
  "*",
  sessionMiddleware({
    store,
    encryptionKey: "a password at least 32 characters long!",
    expireAfterSeconds: 1209600,
    cookieOptions: { path: "/", httpOnly: true, sameSite: "Lax" },
  }),
);
app.get("/seed", (c) => {
  c.get("session").set("val", 0);
  return c.html("seeded");
});
app.get(
  "/read",
  (c) => c.html(`Session value: ${c.get("session").get("val")}`),
);
app.get("/write", (c) => {
  const session = c.get("session");
  const val = Number(session.get("val") ?? -1) + 1;
  session.set("val", val);
  return c.html(`Session value: ${val}`);
});
app.get(
  "/__writes",
  (c) =>
    c.json({ writes: Number(db.query("SELECT total_changes() AS n").get().n) }),
);

(globalThis as unknown as { Bun: { serve(o: object): void } }).Bun.serve({
  hostname: "127.0.0.1",
  port: PORT,
  fetch: app.fetch,
});
ready();
