// Real Redis and PostgreSQL servers for the store tests, started on loopback
// in a temporary folder and stopped afterwards. .ci/services installs them.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not start`);
}

/** A Redis server; `stop()` and `start()` can be called again (failover tests). */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * Starts `redis-server` on a free port: without persistence, or `durable`
 * (every write fsynced to an append-only file, so a killed server keeps
 * every acknowledged write).
 */
export async function startRedis(durable = false): Promise<RedisServer> {
  if (spawnSync("redis-server", ["--version"]).error) {
    throw new Error("redis-server is missing: run `bash .ci/services`");
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "spiderweb-redis-"));
  let child: ChildProcess | undefined;
  const ping = () =>
    spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" })
      .stdout?.trim() === "PONG";
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn("redis-server", [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        durable ? "yes" : "no",
        "--appendfsync",
        "always",
        "--dir",
        dir,
      ], { stdio: "ignore" });
      await waitFor(ping, "redis-server");
    },
    async stop() {
      if (!child) return;
      const exited = new Promise((resolve) => child!.once("exit", resolve));
      child.kill("SIGKILL");
      await exited;
      child = undefined;
    },
    async cleanup() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** A PostgreSQL server; `stop()` (immediate, as a crash) and `start()` again. */
export interface PostgresServer {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

function postgresBin(name: string): string {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) {
    throw new Error("PostgreSQL is missing: run `bash .ci/services`");
  }
  const version = readdirSync(root).sort().at(-1)!;
  return join(root, version, "bin", name);
}

// PostgreSQL refuses to run as root: use the `postgres` user then.
function asPostgres(command: string, args: string[]) {
  const root = process.getuid?.() === 0;
  return root
    ? spawnSync("runuser", ["-u", "postgres", "--", command, ...args], {
      encoding: "utf8",
    })
    : spawnSync(command, args, { encoding: "utf8" });
}

/** initdb + pg_ctl start in a temporary folder, trust auth on loopback. */
export async function startPostgres(): Promise<PostgresServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "spiderweb-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const init = asPostgres(postgresBin("initdb"), [
    "-D",
    data,
    "-A",
    "trust",
    "-U",
    "postgres",
  ]);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const pgCtl = (...args: string[]) => {
    const result = asPostgres(postgresBin("pg_ctl"), ["-D", data, ...args]);
    if (result.status !== 0) {
      throw new Error(`pg_ctl ${args.at(-1)} failed: ${result.stderr}`);
    }
  };
  const server: PostgresServer = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start() {
      pgCtl(
        "-l",
        join(dir, "log"),
        "-o",
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
        "-w",
        "start",
      );
      return Promise.resolve();
    },
    stop() {
      pgCtl("-m", "immediate", "-w", "stop");
      return Promise.resolve();
    },
    cleanup() {
      asPostgres(postgresBin("pg_ctl"), [
        "-D",
        data,
        "-m",
        "immediate",
        "stop",
      ]);
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
  await server.start();
  return server;
}
