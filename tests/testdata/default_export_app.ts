// An app served through its default export (`deno serve`, `bun run`).
import process from "node:process";
import { HttpResponse, SpiderwebRouter } from "../../mod.ts";

// Bun's default-export server listens on app.port and app.hostname.
const app = new SpiderwebRouter({
  port: Number(process.env.DEFAULT_EXPORT_PORT ?? 8000),
  addr: "127.0.0.1",
});
app.route("/", () => new HttpResponse("default export"));

export default app;
