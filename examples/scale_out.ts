// Sessions in Redis, served by several worker processes. Needs a Redis
// server (`apt-get install redis-server`) and the `redis` package; then:
//   REDIS_URL=redis://127.0.0.1:6379 deno run -A --unstable-net examples/scale_out.ts
//   REDIS_URL=redis://127.0.0.1:6379 bun run examples/scale_out.ts
//   REDIS_URL=redis://127.0.0.1:6379 node examples/scale_out.ts
import process from "node:process";
import { createClient } from "redis";
import {
  HttpResponse,
  isMain,
  RedisSessionStore,
  SessionMiddleware,
  SpiderwebRouter,
} from "../mod.ts";

// Each worker process runs this module and has its own connection.
const redis = await createClient({
  url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  // Fail fast (503) while Redis is unreachable instead of queueing.
  disableOfflineQueue: true,
}).on("error", () => {}).connect();

const app = new SpiderwebRouter({
  middleware: [SessionMiddleware],
  session_store: new RedisSessionStore({ client: redis }),
  secret_key: process.env.SECRET_KEY ?? "change me",
});

app.route("/", (request) => {
  request.SESSION.visits = Number(request.SESSION.visits ?? 0) + 1;
  return new HttpResponse(
    `Visit ${request.SESSION.visits}, served by process ${process.pid}`,
  );
});

if (isMain(import.meta)) await app.start({ workers: 2 });
