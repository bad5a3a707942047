// The floor: a hand-written handler on the bare runtime. For the session
// workloads it does the framework's necessary work (see _floor.ts): the
// same table and statements, hashed keys, the expiry refresh, the CSRF token
// and gzip per response.
import process from "node:process";
import { gzipSync } from "node:zlib";
import {
  csrfToken,
  gzip as gzipPage,
  load,
  refresh,
  seed,
  write,
  writes,
} from "./_floor.ts";
import { PAGE, PORT, ready } from "./_shared.ts";

// Pre-compressing the page is not a floor (a real handler compresses what
// it renders); the `raw_precompressed` server keeps it as an extra row.
const PRECOMPRESSED = process.env.PRECOMPRESSED === "1";
const gzipped = gzipSync(PAGE);
const isBun = "Bun" in globalThis;
const isDeno = "Deno" in globalThis;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
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
    return text("seeded", {
      "set-cookie": seed(),
      "cache-control": "no-store",
    });
  }
  if (path === "/read" || path === "/write" || path === "/page") {
    const session = load(cookie);
    const extra: Record<string, string> = {};
    if (path === "/write" && session) {
      session.data.val = Number(session.data.val ?? -1) + 1;
      write(session, "val");
    }
    const setCookie = session && refresh(session);
    if (setCookie) {
      extra["set-cookie"] = setCookie;
      extra["cache-control"] = "no-store";
    }
    if (path === "/page") {
      const gzip = acceptEncoding.includes("gzip");
      if (session) {
        extra["x-csrf-token"] = csrfToken(session);
        extra["cache-control"] = "no-store";
      }
      const body = !gzip ? PAGE : PRECOMPRESSED ? gzipped : gzipPage(PAGE);
      return {
        status: 200,
        headers: {
          ...HTML,
          ...extra,
          vary: "Accept-Encoding, origin",
          "access-control-allow-origin": "http://client.example",
          ...(gzip ? { "content-encoding": "gzip" } : {}),
        },
        body,
      };
    }
    return text(`Session value: ${session?.data.val}`, extra);
  }
  if (path === "/__writes") return json({ writes: writes() });
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
