// Shared by the benchmark servers: the workload, the port, and the page.
import process from "node:process";

/** The workload this server process runs (see bench/run.ts). */
export const WORKLOAD = process.env.WORKLOAD ?? "plain";
/** The port to listen on. */
export const PORT = Number(process.env.PORT ?? 8000);
/** The SQLite file for session workloads. */
export const DB = process.env.DB ?? "bench.db";
/** How many routes the routing workloads register. */
export const ROUTES = Number(process.env.ROUTES ?? 10);

/** A 2 KB HTML page for the realistic-stack workload. */
export const PAGE =
  `<!doctype html><html><head><title>Bench</title></head><body>${
    "<p>Spiderweb is a small web framework for Deno, Bun and Node.</p>".repeat(
      30,
    )
  }</body></html>`;

/** Tells the orchestrator the server is listening. */
export function ready(): void {
  process.stdout.write("READY\n");
}
