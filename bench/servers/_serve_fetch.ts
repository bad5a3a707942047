// Serves a Fetch handler on the runtime running this file: Bun.serve,
// Deno.serve, or @hono/node-server on Node (Hono's own adapter).
import process from "node:process";
import { PORT } from "./_shared.ts";

type Fetch = (request: Request) => Response | Promise<Response>;

/** Serves `fetch` on 127.0.0.1:PORT. */
export async function serveFetch(fetch: Fetch): Promise<void> {
  const reusePort = process.env.REUSE_PORT === "1";
  if ("Bun" in globalThis) {
    (globalThis as unknown as { Bun: { serve(o: object): void } }).Bun.serve({
      hostname: "127.0.0.1",
      port: PORT,
      reusePort,
      fetch,
    });
  } else if ("Deno" in globalThis) {
    (globalThis as unknown as { Deno: { serve(o: object, h: Fetch): void } })
      .Deno
      .serve({ hostname: "127.0.0.1", port: PORT, onListen() {} }, fetch);
  } else {
    const { serve } = await import("@hono/node-server");
    serve({ fetch, hostname: "127.0.0.1", port: PORT });
  }
}
