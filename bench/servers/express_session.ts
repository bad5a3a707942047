// What a Node user would otherwise pick for sessions: Express with
// express-session. The store is a small SQLite store on node:sqlite (the
// native better-sqlite3 cannot be built for Node 24 on this machine).
import express from "express";
import session from "express-session";
import { DatabaseSync } from "node:sqlite";
import { DB, PORT, ready } from "./_shared.ts";

const db = new DatabaseSync(DB);
db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
db.exec(
  "CREATE TABLE IF NOT EXISTS express_sessions (sid TEXT PRIMARY KEY, sess TEXT NOT NULL, expire INTEGER NOT NULL)",
);
const get = db.prepare(
  "SELECT sess FROM express_sessions WHERE sid = ? AND expire > ?",
);
const set = db.prepare(
  "INSERT INTO express_sessions (sid, sess, expire) VALUES (?, ?, ?) ON CONFLICT(sid) DO UPDATE SET sess = excluded.sess, expire = excluded.expire",
);
const destroy = db.prepare("DELETE FROM express_sessions WHERE sid = ?");

class SqliteStore extends session.Store {
  override get(
    sid: string,
    cb: (err: unknown, s?: session.SessionData | null) => void,
  ) {
    const row = get.get(sid, Date.now()) as { sess: string } | undefined;
    cb(null, row ? JSON.parse(row.sess) : null);
  }
  override set(
    sid: string,
    sess: session.SessionData,
    cb?: (err?: unknown) => void,
  ) {
    const maxAge = sess.cookie?.maxAge ?? 86400_000;
    set.run(sid, JSON.stringify(sess), Date.now() + maxAge);
    cb?.();
  }
  override destroy(sid: string, cb?: (err?: unknown) => void) {
    destroy.run(sid);
    cb?.();
  }
}

const app = express();
app.use(session({
  store: new SqliteStore(),
  secret: "bench",
  resave: false,
  saveUninitialized: false,
  cookie: { maxAge: 1209600_000, httpOnly: true, sameSite: "lax" },
}));
type WithVal = { val?: number };
app.get("/seed", (req, res) => {
  (req.session as WithVal).val = 0;
  res.send("seeded");
});
app.get("/read", (req, res) => {
  res.send(`Session value: ${(req.session as WithVal).val}`);
});
app.get("/write", (req, res) => {
  const s = req.session as WithVal;
  s.val = (s.val ?? -1) + 1;
  res.send(`Session value: ${s.val}`);
});
app.get("/__writes", (_req, res) => {
  res.json({
    writes: Number(
      (db.prepare("SELECT total_changes() AS n").get() as { n: number }).n,
    ),
  });
});
app.listen(PORT, "127.0.0.1", () => ready());
