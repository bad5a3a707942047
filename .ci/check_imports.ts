// deno-lint-ignore-file no-console
/**
 * The layering gate: every relative import in `mod.ts` and `src/` (type-only
 * imports and re-exports included) must point to the same layer or a lower
 * one, and the import graph must have no cycle. In the spirit of
 * denoland/std's `check_circular_package_dependencies.ts`.
 *
 * Layers, lowest first (a folder's rank; files outside any listed folder are
 * an error, so a new folder must be placed on purpose):
 *
 *   runtime/ < http/ < routing/ < core/ < features < router.ts < entries
 *
 * Usage: node .ci/check_imports.ts [root]   (exits 1 on a violation)
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import process from "node:process";

const FEATURES = [
  "sessions",
  "middleware",
  "auth",
  "security",
  "files",
  "templates",
  "testing",
];

/** The rank of a file (relative to the root), or undefined if unplaced. */
export function layerOf(file: string): number | undefined {
  if (file === "mod.ts") return 6;
  if (file === "src/router.ts") return 5;
  const [top, folder] = file.split("/");
  if (top !== "src") return undefined;
  if (folder === "cli") return 6; // an entry point of its own (`./cli`)
  if (FEATURES.includes(folder)) return 4;
  return { runtime: 0, http: 1, routing: 2, core: 3 }[folder];
}

const IMPORT =
  /(?:^|[\s;}])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

/** The relative imports of a source text, as written. */
export function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT)) found.push(match[1] ?? match[2]);
  return found;
}

function sourceFiles(root: string): string[] {
  const files = ["mod.ts"];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = `${dir}/${name}`;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) files.push(path);
    }
  };
  walk("src");
  return files;
}

/** The problems of the import graph under `root`: bad layers and cycles. */
export function checkImports(root: string): string[] {
  const problems: string[] = [];
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const rank = layerOf(file);
    if (rank === undefined) problems.push(`${file}: not in any layer`);
    // Doc examples import `mod.ts`; only code counts.
    const text = readFileSync(join(root, file), "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    const targets = importsOf(text).map((spec) =>
      relative(root, resolve(root, dirname(file), spec)).replaceAll("\\", "/")
    );
    graph.set(file, targets);
    for (const target of targets) {
      const targetRank = layerOf(target);
      if (rank !== undefined && targetRank !== undefined && targetRank > rank) {
        problems.push(`${file} imports ${target}, a higher layer`);
      }
    }
  }
  for (const cycle of findCycles(graph)) {
    problems.push(`import cycle among: ${cycle.join(", ")}`);
  }
  return problems;
}

/** One cycle for each strongly connected component of more than one file. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's algorithm, iterative enough for a graph of a few hundred files.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = graph.get(node)?.includes(node);
      if (component.length > 1 || selfLoop) cycles.push(component.reverse());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

if (import.meta.main ?? process.argv[1]?.endsWith("check_imports.ts")) {
  const problems = checkImports(resolve(process.argv[2] ?? "."));
  for (const problem of problems) console.error(problem);
  if (problems.length) process.exit(1);
  console.log("Imports: layers point down, no cycles.");
}
