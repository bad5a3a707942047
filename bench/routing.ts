// deno-lint-ignore-file no-console
// Pathological routing: a route with two <path> parameters against 64 KB
// paths that almost match, in-process (node:http and Bun refuse request
// lines that long; Deno accepts them over sockets). Matching is linear in
// the path's length, so 64 KB costs microseconds; a backtracking matcher
// took 0.5-0.7 s of CPU for the same request.
//
//   node bench/routing.ts          every runtime; writes bench/results/routing.md
//   <runtime> bench/routing.ts --measure   one runtime, prints JSON
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { SpiderwebRouter } from "../mod.ts";

const CASES: Record<string, string> = {
  "short miss (60 B)": `/p/${"a/".repeat(28)}x`,
  "64 KB miss, no /end": `/p/${"a/".repeat(32_768)}x`,
  "64 KB miss, /end too early": `/p/${"a/".repeat(16_384)}end/${
    "b/".repeat(16_383)
  }x`,
  "64 KB match": `/p/${"a/".repeat(16_384)}${"b/".repeat(16_382)}b/end`,
};

async function measure(): Promise<Record<string, number>> {
  const app = new SpiderwebRouter({ log_requests: false });
  app.route("/p/<path:a>/<path:b>/end", (_request, { a }) => ({
    a: String(a).length,
  }));
  const results: Record<string, number> = {};
  for (const [name, path] of Object.entries(CASES)) {
    const request = () => app.fetch(new Request(`http://localhost${path}`));
    for (let i = 0; i < 50; i++) await (await request()).arrayBuffer();
    const samples: number[] = [];
    for (let round = 0; round < 7; round++) {
      const started = performance.now();
      for (let i = 0; i < 100; i++) await (await request()).arrayBuffer();
      samples.push((performance.now() - started) * 1000 / 100);
    }
    results[name] = samples.sort((a, b) => a - b)[3]; // the median
  }
  return results;
}

if (process.argv.includes("--measure")) {
  console.log(JSON.stringify(await measure()));
} else {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const bin = (name: string) => join(root, "node_modules", ".bin", name);
  const script = fileURLToPath(import.meta.url);
  const commands: Record<string, string[]> = {
    deno: [bin("deno"), "run", "-A", script, "--measure"],
    bun: [bin("bun"), "run", script, "--measure"],
    node: [bin("node"), script, "--measure"],
  };
  const lines = [
    `Routing \`/p/<path:a>/<path:b>/end\`, in-process \`app.fetch\`, median µs per request (${
      new Date().toISOString().slice(0, 10)
    }):`,
    "",
    `| Runtime | ${Object.keys(CASES).join(" | ")} |`,
    `| --- | ${Object.keys(CASES).map(() => "---:").join(" | ")} |`,
  ];
  for (const [runtime, [command, ...args]] of Object.entries(commands)) {
    const run = spawnSync(command, args, { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`${runtime}: ${run.stderr}`);
    const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
    lines.push(
      `| ${runtime} | ${
        Object.keys(CASES).map((name) => result[name].toFixed(1)).join(" | ")
      } |`,
    );
  }
  const markdown = lines.join("\n") + "\n";
  mkdirSync(join(root, "bench", "results"), { recursive: true });
  writeFileSync(join(root, "bench", "results", "routing.md"), markdown);
  console.log(markdown);
}
