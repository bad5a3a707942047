/**
 * Picks the runtime adapter: the only importer of `_bun.ts`, `_deno.ts` and
 * `_node.ts`. Each is loaded by one dynamic `import()`, so no runtime loads
 * another's modules; top-level await makes the result usable synchronously.
 *
 * @module
 */

import type { Runtime } from "./runtime.ts";

/** The runtime this process runs on. */
export function detectRuntime(): Runtime["name"] {
  // Deno and Bun both define `process`, so Node is the fallback.
  if ("Bun" in globalThis) return "bun";
  if ("Deno" in globalThis) return "deno";
  return "node";
}

async function importAdapter(): Promise<Runtime> {
  switch (detectRuntime()) {
    case "bun":
      return (await import("./_bun.ts")).runtime;
    case "deno":
      return (await import("./_deno.ts")).runtime;
    default:
      return (await import("./_node.ts")).runtime;
  }
}

/** The adapter of the runtime this process runs on. */
export const runtime: Runtime = await importAdapter();
