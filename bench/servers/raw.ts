// The floor: a hand-written handler on the bare runtime, with cookie parsing
// and prepared SQLite statements doing the minimum for the session workloads.
import process from "node:process";
import { gzipSync } from "node:zlib";
import { DB, PAGE, PORT, ready } from "./_shared.ts";

type Stmt = { run(...p: unknown[]): unknown; get(...p: unknown[]): unknown };
type Db = { exec(sql: string): void; prepare(sql: string): Stmt };

const isBun = "Bun" in globalThis;
const isDeno = "Deno" in globalThis;
const sqlite = isBun ? "bun:sqlite" : "node:sqlite";
const lib = await import(sqlite);
const db: Db = isBun ? new lib.Database(DB) : new lib.DatabaseSync(DB);
if (isBun) {
  (db as unknown as { exec: (s: string) => void }).exec = (s) =>
    (db as unknown as { run(s: string): void }).run(s);
}
db.exec(
  "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000",
);
db.exec(
  "CREATE TABLE IF NOT EXISTS raw_sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL)",
);
const select = db.prepare("SELECT data FROM raw_sessions WHERE id = ?");
const insert = db.prepare("INSERT INTO raw_sessions (id, data) VALUES (?, ?)");
const update = db.prepare("UPDATE raw_sessions SET data = ? WHERE id = ?");
const changes = db.prepare("SELECT total_changes() AS n");
const gzipped = gzipSync(PAGE);

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

function sid(cookie: string): string | null {
  const match = /(?:^|;\s*)sid=([A-Za-z0-9]+)/.exec(cookie);
  return match ? match[1] : null;
}

const HTML = { "content-type": "text/html; charset=utf-8" };
const JSON_TYPE = { "content-type": "application/json" };
const text = (body: string, headers: Record<string, string> = {}): Answer => ({
  status: 200,
  headers: { ...HTML, ...headers },
  body,
});
const json = (value: unknown): Answer => ({
  status: 200,
  headers: JSON_TYPE,
  body: JSON.stringify(value),
});

// Plain data in, plain data out: each server below adapts it natively.
function answer(
  method: string,
  path: string,
  cookie: string,
  acceptEncoding: string,
  body: string,
): Answer {
  if (path === "/") return text("Hello, world!");
  let match = /^\/user\/(\d+)$/.exec(path);
  if (match) return json({ id: Number(match[1]) });
  if (path === "/echo" && method === "POST") return json(JSON.parse(body));
  match = /^\/r(\d+)\/(\d+)$/.exec(path);
  if (match) return json({ i: Number(match[1]), id: Number(match[2]) });
  if (path === "/seed") {
    const id = crypto.randomUUID().replaceAll("-", "");
    insert.run(id, JSON.stringify({ val: 0 }));
    return text("seeded", { "set-cookie": `sid=${id}; Path=/; HttpOnly` });
  }
  if (path === "/read" || path === "/write" || path === "/page") {
    const id = sid(cookie);
    const row = id ? select.get(id) as { data: string } | undefined : undefined;
    const data = row ? JSON.parse(row.data) : {};
    if (path === "/page") {
      const gzip = acceptEncoding.includes("gzip");
      return {
        status: 200,
        headers: {
          ...HTML,
          vary: "Accept-Encoding, origin",
          ...(gzip ? { "content-encoding": "gzip" } : {}),
        },
        body: gzip ? gzipped : PAGE,
      };
    }
    if (path === "/write" && id) {
      data.val = (data.val ?? -1) + 1;
      update.run(JSON.stringify(data), id);
    }
    return text(`Session value: ${data.val}`);
  }
  if (path === "/__writes") {
    return json({ writes: Number((changes.get() as { n: number }).n) });
  }
  return { status: 404, headers: HTML, body: "not found" };
}

async function handle(request: Request): Promise<Response> {
  const url = request.url;
  const path = url.slice(url.indexOf("/", url.indexOf("//") + 2)).split("?")[0];
  const body = request.method === "POST" ? await request.text() : "";
  const a = answer(
    request.method,
    path,
    request.headers.get("cookie") ?? "",
    request.headers.get("accept-encoding") ?? "",
    body,
  );
  return new Response(a.body as BodyInit, {
    status: a.status,
    headers: a.headers,
  });
}

const reusePort = process.env.REUSE_PORT === "1";
if (isBun) {
  (globalThis as unknown as { Bun: { serve(o: object): void } }).Bun.serve({
    hostname: "127.0.0.1",
    port: PORT,
    reusePort,
    fetch: handle,
  });
} else if (isDeno) {
  (globalThis as unknown as {
    Deno: { serve(o: object, h: typeof handle): void };
  }).Deno
    .serve(
      { hostname: "127.0.0.1", port: PORT, reusePort, onListen() {} },
      handle,
    );
} else {
  const { createServer } = await import("node:http");
  createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const a = answer(
        req.method ?? "GET",
        (req.url ?? "/").split("?")[0],
        req.headers.cookie ?? "",
        String(req.headers["accept-encoding"] ?? ""),
        body,
      );
      res.writeHead(a.status, a.headers);
      res.end(a.body);
    });
  }).listen({ host: "127.0.0.1", port: PORT, reusePort });
}
ready();
