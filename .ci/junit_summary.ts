// deno-lint-ignore-file no-console
// Sums JUnit reports from deno, bun and node into one "N passed, N failed"
// line. Deno reports a describe block as a test case and its `it`s as
// "describe > it" cases; only leaf cases are counted, so every runtime counts
// the same thing: one per `it` (plus Deno's doc tests).
import { readFileSync } from "node:fs";
import process from "node:process";

interface Case {
  name: string;
  failed: boolean;
  skipped: boolean;
}

function unescape(text: string): string {
  return text.replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(
    /&quot;/g,
    "\"",
  ).replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

function casesOf(xml: string): Case[] {
  const cases: Case[] = [];
  // Attribute values may hold a raw ">" (Node does not escape it).
  const pattern =
    /<testcase\b((?:[^>"]|"[^"]*")*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of xml.matchAll(pattern)) {
    const name = unescape(/\bname="([^"]*)"/.exec(match[1])?.[1] ?? "");
    const body = match[3] ?? "";
    cases.push({
      name,
      failed: /<(failure|error)\b/.test(body),
      skipped: /<skipped\b/.test(body),
    });
  }
  return cases;
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  let xml: string;
  try {
    xml = readFileSync(file, "utf8");
  } catch {
    console.log(`${file}: no report (the runner did not finish)`);
    failed++;
    continue;
  }
  const cases = casesOf(xml);
  const names = cases.map((c) => c.name);
  const leaves = cases.filter((c) =>
    !names.some((other) => other.startsWith(`${c.name} > `))
  );
  const bad = leaves.filter((c) => c.failed);
  const skip = leaves.filter((c) => c.skipped && !c.failed).length;
  for (const c of bad) console.log(`FAILED ${file}: ${c.name}`);
  const ok = leaves.length - bad.length - skip;
  console.log(`${file}: ${ok} passed, ${bad.length} failed, ${skip} skipped`);
  passed += ok;
  failed += bad.length;
  skipped += skip;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
