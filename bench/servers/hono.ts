// Hono on the same runtime, for the plain, JSON, echo and routing workloads.
import { Hono } from "hono";
import { ready, ROUTES } from "./_shared.ts";
import { serveFetch } from "./_serve_fetch.ts";

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

await serveFetch(app.fetch);
ready();
