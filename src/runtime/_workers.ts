/**
 * Worker processes for `app.start({ workers })`: copies of the running
 * program that share one port. Node forks through `node:cluster` (the primary
 * shares the socket); Deno and Bun spawn themselves again and bind with
 * SO_REUSEPORT.
 *
 * @module
 */

import { spawn } from "node:child_process";
import cluster from "node:cluster";
import process from "node:process";

import type { WorkerProcess } from "./runtime.ts";

const WORKER_ENV = "SPIDERWEB_WORKER";

/** True inside a worker started by `spawnWorker`. */
export function isWorker(): boolean {
  return process.env[WORKER_ENV] === "1";
}

function denoArgs(): string[] {
  const deno = (globalThis as unknown as {
    Deno: { mainModule: string; args: string[] };
  }).Deno;
  // Reusing the port needs --unstable-net on Deno; a worker needs what its
  // parent had, which Deno does not expose, so workers get -A.
  return ["run", "-A", "--unstable-net", deno.mainModule, ...deno.args];
}

/** Starts one more copy of this program as a worker. */
export function spawnWorker(runtime: "deno" | "bun" | "node"): WorkerProcess {
  if (runtime === "node") {
    const worker = cluster.fork({ [WORKER_ENV]: "1" });
    return {
      kill: (signal) => worker.process.kill(signal),
      exited: new Promise((resolve) =>
        worker.on("exit", (code) => resolve(code))
      ),
    };
  }
  const args = runtime === "deno" ? denoArgs() : process.argv.slice(1);
  const child = spawn(process.execPath, args, {
    stdio: "inherit",
    env: { ...process.env, [WORKER_ENV]: "1" },
  });
  return {
    kill: (signal) => child.kill(signal),
    exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))),
  };
}

/**
 * Lets a worker that has shut down exit: a `node:cluster` worker keeps an IPC
 * channel to its primary open until it disconnects.
 */
export function releaseWorker(): void {
  if (isWorker() && cluster.isWorker) cluster.worker?.disconnect();
}
