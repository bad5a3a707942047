// deno-lint-ignore-file no-console
// The framework under test, one workload per process.
import process from "node:process";
import {
  CorsMiddleware,
  CSRFMiddleware,
  GzipMiddleware,
  HttpResponse,
  JsonResponse,
  PostgresSessionStore,
  RedisSessionStore,
  SessionMiddleware,
  SpiderwebRouter,
} from "../../mod.ts";
import { DB, PAGE, PORT, ready, ROUTES, WORKLOAD } from "./_shared.ts";

const quiet = { debug() {}, info() {}, warn() {}, error: console.error };

// Workload 5 also runs against the network stores (STORE=redis|postgres).
async function sessionStore() {
  if (process.env.STORE === "redis") {
    const { createClient } = await import("redis");
    const client = await createClient({ url: process.env.REDIS_URL })
      .connect();
    return new RedisSessionStore({ client });
  }
  if (process.env.STORE === "postgres") {
    const { default: postgres } = await import("postgres");
    const sql = postgres(process.env.PG_URL!, { onnotice: () => {} });
    return new PostgresSessionStore({ sql });
  }
  return undefined;
}
// The soak runs every workload's requests against one app with the full stack.
const stack = WORKLOAD === "stack" || WORKLOAD === "soak";
const sessions = WORKLOAD.startsWith("session") || stack;
const app = new SpiderwebRouter({
  port: PORT,
  addr: "127.0.0.1",
  db: DB,
  log: quiet,
  log_requests: false,
  secret_key: "bench",
  session_store: await sessionStore(),
  cors_allowed_origins: ["http://client.example"],
  middleware: stack
    ? [GzipMiddleware, CorsMiddleware, SessionMiddleware, CSRFMiddleware]
    : sessions
    ? [SessionMiddleware]
    : [],
});

app.route("/", () => new HttpResponse("Hello, world!"));
app.route("/user/<int:id>", (_request, { id }) => new JsonResponse({ id }));
app.route("/echo", (request) => new JsonResponse(request.json()), {
  allowed_methods: ["POST"],
});
// The soak's JSON API: exempt from CSRF, as an API with its own auth would be.
app.route("/echo-exempt", (request) => new JsonResponse(request.json()), {
  allowed_methods: ["POST"],
  csrf_exempt: true,
});
app.route("/seed", (request) => {
  request.SESSION.val = 0;
  return new HttpResponse("seeded");
});
app.route(
  "/read",
  (request) => new HttpResponse(`Session value: ${request.SESSION.val}`),
);
app.route("/write", (request) => {
  request.SESSION.val = Number(request.SESSION.val ?? -1) + 1;
  return new HttpResponse(`Session value: ${request.SESSION.val}`);
});
app.route("/page", () => new HttpResponse(PAGE));
for (let i = Number(process.env.ROUTES_FROM ?? 0); i < ROUTES; i++) {
  app.route(
    `/r${i}/<int:id>`,
    (_request, { id }) => new JsonResponse({ i, id }),
  );
}
app.route("/__writes", () => ({
  writes: app.hasOpenDatabase
    ? Number(app.db.prepare("SELECT total_changes() AS n").get()?.n)
    : 0,
}));

await app.start({ reusePort: process.env.REUSE_PORT === "1" });
ready();
