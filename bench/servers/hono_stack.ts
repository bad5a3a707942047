// Hono with the stack of workload 7 as a Hono user would write it: its own
// cors(), and small session, CSRF-token and gzip middleware doing the same
// necessary work as the floor (_floor.ts) on the same table.
import { Hono } from "hono";
import { cors } from "hono/cors";
import {
  csrfToken,
  type FloorSession,
  gzip,
  load,
  refresh,
  seed,
  writes,
} from "./_floor.ts";
import { PAGE, ready } from "./_shared.ts";
import { serveFetch } from "./_serve_fetch.ts";

const app = new Hono<{ Variables: { session: FloorSession | null } }>();

// gzip, outermost: compresses what the handlers rendered.
app.use(async (c, next) => {
  await next();
  c.res.headers.append("vary", "Accept-Encoding");
  if (!(c.req.header("accept-encoding") ?? "").includes("gzip")) return;
  const body = new TextDecoder().decode(await c.res.arrayBuffer());
  const headers = new Headers(c.res.headers);
  headers.set("content-encoding", "gzip");
  c.res = new Response(gzip(body) as BodyInit, {
    status: c.res.status,
    headers,
  });
});
app.use(cors({ origin: "http://client.example" }));
// Sessions: load, and refresh the expiry when due.
app.use(async (c, next) => {
  const session = load(c.req.header("cookie") ?? "");
  c.set("session", session);
  await next();
  const cookie = session && refresh(session);
  if (cookie) {
    c.res.headers.append("set-cookie", cookie);
    c.res.headers.set("cache-control", "no-store");
  }
});
// CSRF: a fresh token on every response of a request with a session.
app.use(async (c, next) => {
  await next();
  const session = c.get("session");
  if (session) {
    c.res.headers.set("x-csrf-token", csrfToken(session));
    c.res.headers.set("cache-control", "no-store");
  }
});
app.get("/seed", (c) => {
  c.header("set-cookie", seed());
  return c.text("seeded");
});
app.get("/page", (c) => c.html(PAGE));
app.get("/__writes", (c) => c.json({ writes: writes() }));

await serveFetch(app.fetch);
ready();
