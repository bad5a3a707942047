// Hono on the same runtime, for the plain, JSON, echo and routing workloads.
import process from "node:process";
import { Hono } from "hono";
import { PORT, ready, ROUTES } from "./_shared.ts";

const app = new Hono();
app.get("/", (c) => c.html("Hello, world!"));
app.get("/user/:id{[0-9]+}", (c) => c.json({ id: Number(c.req.param("id")) }));
app.post("/echo", async (c) => c.json(await c.req.json()));
for (let i = 0; i < ROUTES; i++) {
  app.get(
    `/r${i}/:id{[0-9]+}`,
    (c) => c.json({ i, id: Number(c.req.param("id")) }),
  );
}

const reusePort = process.env.REUSE_PORT === "1";
if ("Bun" in globalThis) {
  (globalThis as unknown as { Bun: { serve(o: object): void } }).Bun.serve({
    hostname: "127.0.0.1",
    port: PORT,
    reusePort,
    fetch: app.fetch,
  });
} else if ("Deno" in globalThis) {
  (globalThis as unknown as { Deno: { serve(o: object, h: unknown): void } })
    .Deno
    .serve({ hostname: "127.0.0.1", port: PORT, onListen() {} }, app.fetch);
} else {
  const { serve } = await import("@hono/node-server");
  serve({ fetch: app.fetch, hostname: "127.0.0.1", port: PORT });
}
ready();
