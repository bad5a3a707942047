// deno-lint-ignore-file no-console
/**
 * `deno task mutation [module…]`: measures the suite's strength on the
 * security- and data-critical modules with StrykerJS. Each module's sources
 * are mutated (mutants generated from the code itself, switched at run
 * time) and its tests run on Node against every mutant. Writes, under the
 * git-ignored `.ci/out/mutation/`: Stryker's HTML and JSON report per
 * module, `survivors.md` (each surviving mutant with its diff) and
 * `summary.md` (the score per module). Survivors listed in `equivalent.md`
 * beside this file (no observable change, with the reason) do not count.
 * Exits 1 when a module scores below 90%.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { MODULES, type MutationModule } from "./modules.ts";

const TARGET = 90;
const root = fileURLToPath(new URL("../../", import.meta.url));
const out = join(root, ".ci/out/mutation");
// Run with this Node (>= 22, as Stryker needs), not the PATH's `node`.
const stryker = join(root, "node_modules/@stryker-mutator/core/bin/stryker.js");

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: {
    start: { line: number; column: number };
    end: { line: number; column: number };
  };
}
interface Report {
  files: Record<string, { source: string; mutants: Mutant[] }>;
}
interface Score {
  module: string;
  killed: number;
  survived: number;
  equivalent: number;
  other: number;
  score: number;
}

// `- \`src/x.ts:12:5 ConditionalExpression\` — reason` lines of equivalent.md.
function equivalents(): Set<string> {
  const file = join(root, ".ci/mutation/equivalent.md");
  const keys = new Set<string>();
  for (const match of readFileSync(file, "utf8").matchAll(/^- `([^`]+)`/gm)) {
    keys.add(match[1]);
  }
  return keys;
}

function keyOf(path: string, mutant: Mutant): string {
  const { line, column } = mutant.location.start;
  return `${path}:${line}:${column} ${mutant.mutatorName}`;
}

function originalText(source: string, mutant: Mutant): string {
  const lines = source.split("\n");
  const { start, end } = mutant.location;
  if (start.line === end.line) {
    return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  }
  return [
    lines[start.line - 1].slice(start.column - 1),
    ...lines.slice(start.line, end.line - 1),
    lines[end.line - 1].slice(0, end.column - 1),
  ].join("\n");
}

function runModule(module: MutationModule): Report {
  const dir = join(out, module.name);
  mkdirSync(dir, { recursive: true });
  const config = {
    testRunner: "command",
    commandRunner: {
      command: [
        JSON.stringify(process.execPath),
        "--test",
        "--test-timeout=60000",
        "--test-concurrency=1",
        ...module.tests,
      ].join(" "),
    },
    mutate: module.mutate,
    coverageAnalysis: "off",
    concurrency: 2,
    timeoutMS: 10000,
    reporters: ["json", "html", "progress"],
    jsonReporter: { fileName: relative(root, join(dir, "report.json")) },
    htmlReporter: { fileName: relative(root, join(dir, "report.html")) },
    tempDirName: relative(root, join(out, "tmp", module.name)),
    ignorePatterns: ["/.ci/out", "/bench/results", "/examples/media", "*.db"],
    cleanTempDir: true,
  };
  const configFile = join(dir, "stryker.config.json");
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const result = spawnSync(process.execPath, [stryker, "run", configFile], {
    cwd: root,
    stdio: "inherit",
  });
  if (result.status !== 0 || !existsSync(join(dir, "report.json"))) {
    throw new Error(`Stryker failed on module ${module.name}`);
  }
  return JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
}

function score(module: MutationModule, report: Report, known: Set<string>) {
  const counts = { killed: 0, survived: 0, equivalent: 0, other: 0 };
  const survivors: string[] = [];
  for (const [path, file] of Object.entries(report.files)) {
    for (const mutant of file.mutants) {
      if (mutant.status === "Killed" || mutant.status === "Timeout") {
        counts.killed++;
      } else if (
        mutant.status === "Survived" || mutant.status === "NoCoverage"
      ) {
        if (known.has(keyOf(path, mutant))) {
          counts.equivalent++;
          continue;
        }
        counts.survived++;
        survivors.push(
          `- \`${keyOf(path, mutant)}\`\n\n  \`\`\`diff\n${
            originalText(file.source, mutant).split("\n").map((l) => `  - ${l}`)
              .join("\n")
          }\n${
            (mutant.replacement ?? "").split("\n").map((l) => `  + ${l}`).join(
              "\n",
            )
          }\n  \`\`\`\n`,
        );
      } else counts.other++; // CompileError, RuntimeError, Ignored
    }
  }
  const measured = counts.killed + counts.survived;
  const result: Score = {
    module: module.name,
    ...counts,
    score: measured ? (100 * counts.killed) / measured : 100,
  };
  return { result, survivors };
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !MODULES.some((m) => m.name === name));
if (unknown.length) {
  console.error(
    `Unknown module ${unknown.join(", ")}; choose from ${
      MODULES.map((m) => m.name).join(", ")
    }`,
  );
  process.exit(2);
}
const known = equivalents();
const scores: Score[] = [];
const survivorText: string[] = [];
for (const module of MODULES) {
  if (wanted.length && !wanted.includes(module.name)) continue;
  const { result, survivors } = score(module, runModule(module), known);
  scores.push(result);
  survivorText.push(
    `## ${module.name}\n\n${survivors.join("\n") || "None.\n"}`,
  );
}
const table = [
  "| module | killed | survived | equivalent | not run | score |",
  "| --- | ---: | ---: | ---: | ---: | ---: |",
  ...scores.map((s) =>
    `| ${s.module} | ${s.killed} | ${s.survived} | ${s.equivalent} | ${s.other} | ${
      s.score.toFixed(1)
    }% |`
  ),
].join("\n");
writeFileSync(
  join(out, "summary.md"),
  `# Mutation score (${new Date().toISOString().slice(0, 10)})\n\n${table}\n`,
);
writeFileSync(
  join(out, "survivors.md"),
  `# Surviving mutants\n\n${survivorText.join("\n")}`,
);
console.log(`\n${table}\n\nReports: ${relative(root, out)}/`);
process.exit(scores.every((s) => s.score >= TARGET) ? 0 : 1);
