// deno-lint-ignore-file no-console
// The benchmark: every workload on Deno, Bun and Node, each server in its own
// process, driven by wrk from another process, with warm-up and rounds
// interleaved A/B so the machine's drift cancels out. Reports requests/s,
// p50/p99 latency, peak RSS and ratios against the raw handler and Hono.
//
//   node bench/run.ts            full run (a few minutes)
//   node bench/run.ts --quick    smoke run: every server under load, no errors
import { spawn, spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { startPostgres, startRedis } from "../tests/_servers.ts";

const QUICK = process.argv.includes("--quick");
// --soak[=minutes]: mixed traffic on one app per runtime, RSS sampled.
const SOAK = process.argv.find((a) => a.startsWith("--soak"));
const SOAK_MINUTES = Number(SOAK?.split("=")[1] ?? 10);
// Development filters: --only=1,2 and --runtime=deno (not for published results).
const ONLY = process.argv.find((a) => a.startsWith("--only="))?.slice(7)
  .split(",").map(Number);
const ONLY_RUNTIME = process.argv.find((a) => a.startsWith("--runtime="))
  ?.slice(10);
const ROUNDS = QUICK ? 1 : 3;
const DURATION = QUICK ? 1 : 2;
const WARMUP = 1;
const CONNECTIONS = 32;
const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const work = mkdtempSync(join(tmpdir(), "spiderweb-bench-"));

type Runtime = "deno" | "bun" | "node";
const RUNTIMES: Runtime[] = ["deno", "bun", "node"];
const COMMAND: Record<Runtime, string[]> = {
  // --unstable-net: Deno.serve's reusePort (the two-worker run) needs it.
  deno: [bin("deno"), "run", "-A", "--unstable-net"],
  bun: [bin("bun"), "run"],
  node: [bin("node")],
};

interface Workload {
  id: number;
  name: string;
  path: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  sessions?: number;
  env?: Record<string, string>;
  servers: (runtime: Runtime) => string[];
}

const core = () => ["spiderweb", "raw", "hono"];
const sessionServers = (runtime: Runtime) => [
  "spiderweb",
  "raw",
  ...(runtime === "bun" ? ["hono_sessions"] : []),
  ...(runtime === "node" ? ["express_session"] : []),
];
const WORKLOADS: Workload[] = [
  {
    id: 1,
    name: "plain text GET /",
    path: "/",
    env: { WORKLOAD: "plain" },
    servers: core,
  },
  {
    id: 2,
    name: "param + JSON GET /user/<int:id>",
    path: "/user/42",
    env: { WORKLOAD: "json" },
    servers: core,
  },
  {
    id: 3,
    name: "JSON echo POST /echo",
    path: "/echo",
    method: "POST",
    body: JSON.stringify({ hello: "world", n: [1, 2, 3] }),
    headers: { "Content-Type": "application/json" },
    env: { WORKLOAD: "echo" },
    servers: core,
  },
  {
    id: 4,
    name: "session read",
    path: "/read",
    sessions: 1,
    env: { WORKLOAD: "session-read" },
    servers: sessionServers,
  },
  {
    id: 5,
    name: "session write (256 sessions)",
    path: "/write",
    sessions: 256,
    env: { WORKLOAD: "session-write" },
    servers: sessionServers,
  },
  // spiderweb@10 registers only the last 10 of the 1,000 routes: the same
  // request, measured interleaved with the 1,000-route app.
  {
    id: 6,
    name: "1,000 routes, last route",
    path: "/r999/42",
    env: { WORKLOAD: "routes", ROUTES: "1000" },
    servers: () => ["spiderweb", "spiderweb@10", "raw", "hono"],
  },
  {
    id: 8,
    name: "session write, Redis store",
    path: "/write",
    sessions: 256,
    env: { WORKLOAD: "session-write", STORE: "redis" },
    servers: () => ["spiderweb"],
  },
  {
    id: 9,
    name: "session write, PostgreSQL store",
    path: "/write",
    sessions: 256,
    env: { WORKLOAD: "session-write", STORE: "postgres" },
    servers: () => ["spiderweb"],
  },
  {
    id: 7,
    name: "sessions+CSRF+CORS+gzip, 2 KB page",
    path: "/page",
    sessions: 1,
    headers: { "Accept-Encoding": "gzip", Origin: "http://client.example" },
    env: { WORKLOAD: "stack" },
    // raw is the fair floor (it compresses per response); raw_precompressed
    // serves a body compressed once, an extra row that is not a floor.
    servers: () => ["spiderweb", "raw", "raw_precompressed", "hono_stack"],
  },
];

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

interface Row extends Result {
  runtime: Runtime;
  workload: number;
  server: string;
  rssMb: number;
  writes?: number;
}

function wrkAvailable(): boolean {
  return spawnSync("wrk", ["--version"]).error === undefined;
}

function toMs(value: string): number {
  const number = parseFloat(value);
  if (value.endsWith("us")) return number / 1000;
  if (value.endsWith("ms")) return number;
  if (value.endsWith("s")) return number * 1000;
  return number;
}

function luaScript(w: Workload, cookies: string[]): string {
  const headers = Object.entries(w.headers ?? {}).map(([k, v]) =>
    `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`
  ).join("\n");
  return `wrk.method = ${JSON.stringify(w.method ?? "GET")}
${w.body ? `wrk.body = ${JSON.stringify(w.body)}` : ""}
${headers}
local cookies = { ${cookies.map((c) => JSON.stringify(c)).join(", ")} }
local n = 0
request = function()
  if #cookies > 0 then
    n = n + 1
    wrk.headers["Cookie"] = cookies[(n % #cookies) + 1]
  end
  return wrk.format(nil, ${JSON.stringify(w.path)})
end
`;
}

function runWrk(port: number, script: string, seconds: number): Result {
  const out = spawnSync("wrk", [
    "-t1",
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    "--latency",
    "-s",
    script,
    `http://127.0.0.1:${port}`,
  ], { encoding: "utf8" }).stdout;
  const number = (re: RegExp) => Number(re.exec(out)?.[1] ?? 0);
  const socket =
    /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
      .exec(out);
  return {
    rps: number(/Requests\/sec:\s+([\d.]+)/),
    p50: toMs(/50%\s+([\d.]+\w+)/.exec(out)?.[1] ?? "0"),
    p99: toMs(/99%\s+([\d.]+\w+)/.exec(out)?.[1] ?? "0"),
    errors: socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: number(/Non-2xx or 3xx responses: (\d+)/),
  };
}

interface Server {
  name: string;
  port: number;
  pids: number[];
  stop(): Promise<void>;
}

// A port nothing listens on now (another benchmark or a service may hold a
// fixed one): the OS picks it, the listener closes, the server takes it.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
async function startServer(
  runtime: Runtime,
  name: string,
  env: Record<string, string>,
  processes = 1,
): Promise<Server> {
  const port = await freePort();
  // "spiderweb@10": the spiderweb server with only the last 10 routes.
  const [file, routes] = name.split("@");
  if (routes) env = { ...env, ROUTES_FROM: String(1000 - Number(routes)) };
  const dir = mkdtempSync(join(work, `${runtime}-${file}-`));
  const children: ReturnType<typeof spawn>[] = [];
  for (let i = 0; i < processes; i++) {
    const [command, ...args] = COMMAND[runtime];
    const child = spawn(command, [
      ...args,
      join(root, "bench", "servers", `${file}.ts`),
    ], {
      cwd: dir,
      env: {
        ...process.env,
        ...env,
        PORT: String(port),
        DB: join(dir, "bench.db"),
        REUSE_PORT: processes > 1 ? "1" : "0",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        if (out.includes("READY")) resolve();
      });
      child.on(
        "exit",
        (code) => reject(new Error(`${runtime} ${name} exited ${code}`)),
      );
    });
    children.push(child);
  }
  return {
    name,
    port,
    pids: children.map((c) => c.pid!),
    async stop() {
      for (const child of children) {
        const exited = new Promise((resolve) => child.on("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        child.kill("SIGKILL");
      }
    },
  };
}

function peakRssMb(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      total += Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      // The process is gone.
    }
  }
  return Math.round(total * 10) / 10;
}

async function seedCookies(port: number, count: number): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < count; i++) {
    // A fresh connection each time: some servers close idle keep-alives.
    const response = await fetch(`http://127.0.0.1:${port}/seed`, {
      headers: { connection: "close" },
    });
    await response.arrayBuffer();
    const pair = response.headers.getSetCookie()[0]?.split(";")[0];
    if (!pair) throw new Error(`no session cookie from port ${port}`);
    cookies.push(pair);
  }
  return cookies;
}

async function writesOf(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/__writes`, {
    headers: { connection: "close" },
  });
  return (await response.json()).writes;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function measure(
  runtime: Runtime,
  w: Workload,
  servers: Server[],
): Promise<Row[]> {
  const scripts = new Map<string, string>();
  for (const server of servers) {
    const cookies = w.sessions
      ? await seedCookies(server.port, w.sessions)
      : [];
    const script = join(work, `${runtime}-${w.id}-${server.name}.lua`);
    writeFileSync(script, luaScript(w, cookies));
    scripts.set(server.name, script);
    runWrk(server.port, script, WARMUP);
  }
  const before = new Map<string, number>();
  for (const server of servers) {
    if (w.sessions) before.set(server.name, await writesOf(server.port));
  }
  const rounds = new Map<string, Result[]>(servers.map((s) => [s.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    // Interleave servers within each round so drift hits all alike.
    const order = round % 2 ? [...servers].reverse() : servers;
    for (const server of order) {
      rounds.get(server.name)!.push(
        runWrk(server.port, scripts.get(server.name)!, DURATION),
      );
    }
  }
  const rows: Row[] = [];
  for (const server of servers) {
    const results = rounds.get(server.name)!;
    rows.push({
      runtime,
      workload: w.id,
      server: server.name,
      rps: Math.round(median(results.map((r) => r.rps))),
      p50: median(results.map((r) => r.p50)),
      p99: median(results.map((r) => r.p99)),
      errors: results.reduce((a, r) => a + r.errors, 0),
      non2xx: results.reduce((a, r) => a + r.non2xx, 0),
      rssMb: peakRssMb(server.pids),
      writes: w.sessions
        ? (await writesOf(server.port)) - before.get(server.name)!
        : undefined,
    });
  }
  return rows;
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a && b ? (a / b).toFixed(2) : "–";
}

function report(rows: Row[], workers: Row[]): string {
  const find = (runtime: Runtime, workload: number, server: string) =>
    rows.find((r) =>
      r.runtime === runtime && r.workload === workload && r.server === server
    );
  const lines = [
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${
      new Date().toISOString().slice(0, 10)
    }; wrk -t1 -c${CONNECTIONS}, ${ROUNDS} × ${DURATION}s rounds${
      QUICK ? " (quick mode)" : ""
    }.`,
    "",
    "| Runtime | Workload | Server | req/s | p50 ms | p99 ms | peak RSS MB | vs raw | vs Hono | DB writes | errors |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const row of rows) {
    const w = WORKLOADS.find((x) => x.id === row.workload)!;
    const raw = find(row.runtime, row.workload, "raw");
    // Workload 7 compares with Hono running the equivalent stack.
    const honoName = row.workload === 7 ? "hono_stack" : "hono";
    const hono = find(row.runtime, row.workload, honoName);
    lines.push(
      `| ${row.runtime} | ${w.id}. ${w.name} | ${row.server} | ${row.rps} | ${
        row.p50.toFixed(2)
      } | ${row.p99.toFixed(2)} | ${row.rssMb} | ${
        row.server === "raw" ? "1.00" : ratio(row.rps, raw?.rps)
      } | ${row.server === honoName ? "1.00" : ratio(row.rps, hono?.rps)} | ${
        row.writes ?? ""
      } | ${row.errors + row.non2xx} |`,
    );
  }
  lines.push("", "Targets:", "");
  for (const runtime of RUNTIMES) {
    const sw = (id: number) => find(runtime, id, "spiderweb");
    for (const id of [1, 2, 3]) {
      lines.push(
        `- ${runtime} workload ${id}: ${
          ratio(sw(id)?.rps, find(runtime, id, "raw")?.rps)
        }x raw (target ≥ 0.95), ${
          ratio(sw(id)?.rps, find(runtime, id, "hono")?.rps)
        }x Hono (target ≥ 1.0)`,
      );
    }
    lines.push(
      `- ${runtime} workload 4: ${sw(4)?.writes ?? "?"} DB writes (target 0), ${
        ratio(sw(4)?.rps, find(runtime, 4, "raw")?.rps)
      }x its fair floor (target ≥ 0.9)`,
      `- ${runtime} workload 5: ${
        ratio(sw(5)?.rps, find(runtime, 5, "raw")?.rps)
      }x the fair SQLite floor (target ≥ 0.9)`,
      `- ${runtime} workload 7: ${
        ratio(sw(7)?.rps, find(runtime, 7, "raw")?.rps)
      }x its fair floor (target ≥ 0.9), ${
        ratio(sw(7)?.rps, find(runtime, 7, "hono_stack")?.rps)
      }x Hono with the same stack (target ≥ 1.2)`,
      `- ${runtime} workloads 8, 9: Redis at ${
        ratio(sw(8)?.rps, sw(5)?.rps)
      }x, PostgreSQL at ${ratio(sw(9)?.rps, sw(5)?.rps)}x of the SQLite store`,
      `- ${runtime} workload 6: 1,000 routes at ${
        ratio(sw(6)?.rps, find(runtime, 6, "spiderweb@10")?.rps)
      }x of 10 routes (target ≥ 0.9)`,
    );
  }
  if (workers.length) {
    lines.push(
      "",
      "Two worker processes sharing one spiderweb.db (workload 5):",
      "",
    );
    for (const runtime of RUNTIMES) {
      const one = find(runtime, 5, "spiderweb");
      const two = workers.find((r) => r.runtime === runtime);
      if (two) {
        lines.push(
          `- ${runtime}: ${two.rps} req/s with 2 workers vs ${one?.rps} with 1 (${
            ratio(two.rps, one?.rps)
          }x), errors ${two.errors + two.non2xx}`,
        );
      }
    }
  }
  return lines.join("\n") + "\n";
}

async function main(): Promise<number> {
  if (!wrkAvailable()) {
    console.error("wrk is missing: install it with `apt-get install -y wrk`.");
    return 1;
  }
  if (SOAK) return await soak();
  const rows: Row[] = [];
  const workers: Row[] = [];
  // Real Redis and PostgreSQL servers for workloads 8 and 9.
  const redis = await startRedis();
  const pg = await startPostgres();
  Object.assign(process.env, { REDIS_URL: redis.url, PG_URL: pg.url });
  try {
    await runAll(rows, workers);
  } finally {
    await redis.cleanup();
    await pg.cleanup();
  }
  return finish(rows, workers);
}

async function runAll(rows: Row[], workers: Row[]): Promise<void> {
  for (const runtime of RUNTIMES) {
    if (ONLY_RUNTIME && runtime !== ONLY_RUNTIME) continue;
    for (const w of WORKLOADS) {
      if (ONLY && !ONLY.includes(w.id)) continue;
      const servers: Server[] = [];
      try {
        for (const name of w.servers(runtime)) {
          servers.push(await startServer(runtime, name, w.env ?? {}));
        }
        const measured = await measure(runtime, w, servers);
        rows.push(...measured);
        for (const row of measured) {
          console.log(
            `${runtime} ${w.id} ${row.server}: ${row.rps} req/s, errors ${
              row.errors + row.non2xx
            }`,
          );
        }
      } finally {
        for (const server of servers) await server.stop();
      }
    }
    const pair = await startServer(runtime, "spiderweb", {
      WORKLOAD: "session-write",
    }, 2);
    try {
      const [row] = await measure(runtime, WORKLOADS[4], [pair]);
      workers.push({ ...row, server: "spiderweb ×2" });
      console.log(
        `${runtime} workers=2: ${row.rps} req/s, errors ${
          row.errors + row.non2xx
        }`,
      );
    } finally {
      await pair.stop();
    }
  }
}

function finish(rows: Row[], workers: Row[]): number {
  const markdown = report(rows, workers);
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  const name = QUICK ? "quick" : "latest";
  writeFileSync(join(root, "bench", "results", `${name}.md`), markdown);
  writeFileSync(
    join(root, "bench", "results", `${name}.json`),
    JSON.stringify(
      { date: new Date().toISOString(), quick: QUICK, rows, workers },
      null,
      2,
    ) + "\n",
  );
  console.log("\n" + markdown);
  const failures = [...rows, ...workers].filter((r) =>
    r.errors + r.non2xx > 0 || !r.rps
  );
  for (const f of failures) {
    console.error(
      `FAILED: ${f.runtime} workload ${f.workload} ${f.server} had errors or no throughput`,
    );
  }
  rmSync(work, { recursive: true, force: true });
  return failures.length ? 1 : 0;
}

// Every workload's requests, in turn, on every connection.
function soakScript(cookies: string[]): string {
  return `local cookies = { ${
    cookies.map((c) => JSON.stringify(c)).join(", ")
  } }
local n = 0
local echo = ${JSON.stringify(JSON.stringify({ hello: "world", n: [1, 2, 3] }))}
request = function()
  n = n + 1
  local headers = { ["Cookie"] = cookies[(n % #cookies) + 1],
    ["Accept-Encoding"] = "gzip", ["Origin"] = "http://client.example" }
  local k = n % 7
  if k == 0 then return wrk.format("GET", "/", headers) end
  if k == 1 then return wrk.format("GET", "/user/42", headers) end
  if k == 2 then
    headers["Content-Type"] = "application/json"
    headers["X-CSRF-Token"] = nil
    return wrk.format("POST", "/echo-exempt", headers, echo)
  end
  if k == 3 then return wrk.format("GET", "/read", headers) end
  if k == 4 then return wrk.format("GET", "/write", headers) end
  if k == 5 then return wrk.format("GET", "/page", headers) end
  return wrk.format("GET", "/r" .. (n % 10) .. "/42", headers)
end
`;
}

function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

// Least-squares slope of (minute, MB) samples.
function slope(samples: { minute: number; mb: number }[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((a, s) => a + s.minute, 0) / n;
  const my = samples.reduce((a, s) => a + s.mb, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.minute - mx) * (s.mb - my);
    den += (s.minute - mx) ** 2;
  }
  return den ? num / den : 0;
}

async function soak(): Promise<number> {
  const lines = [
    `Soak: ${SOAK_MINUTES} min of mixed traffic per runtime (the seven workloads' requests on one app with sessions, CSRF, CORS and gzip; 256 sessions read and written), RSS sampled every 5 s; ${
      new Date().toISOString().slice(0, 10)
    }.`,
    "",
    "| Runtime | requests | req/s | errors | RSS start MB | RSS end MB | RSS max MB | slope, last half (MB/min) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  let failed = false;
  for (const runtime of RUNTIMES) {
    if (ONLY_RUNTIME && runtime !== ONLY_RUNTIME) continue;
    const server = await startServer(runtime, "spiderweb", {
      WORKLOAD: "soak",
    });
    try {
      const cookies = await seedCookies(server.port, 256);
      const script = join(work, `${runtime}-soak.lua`);
      writeFileSync(script, soakScript(cookies));
      const samples: { minute: number; mb: number }[] = [];
      const started = Date.now();
      const timer = setInterval(() => {
        samples.push({
          minute: (Date.now() - started) / 60_000,
          mb: rssMb(server.pids[0]),
        });
      }, 5000);
      const seconds = Math.round(SOAK_MINUTES * 60);
      const out = await new Promise<string>((resolve) => {
        const child = spawn("wrk", [
          "-t1",
          `-c${CONNECTIONS}`,
          `-d${seconds}s`,
          "-s",
          script,
          `http://127.0.0.1:${server.port}`,
        ]);
        let text = "";
        child.stdout.on("data", (d) => (text += d));
        child.on("close", () => resolve(text));
      });
      clearInterval(timer);
      const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
      const socket =
        /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
          .exec(out);
      const errors = (socket
        ? socket.slice(1).reduce((a, b) => a + Number(b), 0)
        : 0)
        + Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const half = samples.filter((s) => s.minute >= SOAK_MINUTES / 2);
      const perMinute = slope(half);
      const mbs = samples.map((s) => s.mb);
      lines.push(
        `| ${runtime} | ${requests} | ${
          Math.round(requests / seconds)
        } | ${errors} | ${mbs[0]?.toFixed(1)} | ${mbs.at(-1)?.toFixed(1)} | ${
          Math.max(...mbs).toFixed(1)
        } | ${perMinute.toFixed(2)} |`,
      );
      console.log(lines.at(-1));
      failed ||= errors > 0 || !requests;
    } finally {
      await server.stop();
    }
  }
  const markdown = lines.join("\n") + "\n";
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(join(root, "bench", "results", "soak.md"), markdown);
  console.log("\n" + markdown);
  rmSync(work, { recursive: true, force: true });
  return failed ? 1 : 0;
}

process.exitCode = await main();
