import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import {
  checkImports,
  findCycles,
  importsOf,
} from "../../.ci/check_imports.ts";

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "spiderweb-imports-"));
  for (const [path, text] of Object.entries({ "mod.ts": "", ...files })) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("checkImports()", () => {
  it("passes on this repository", () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
    assert.deepEqual(checkImports(root), []);
  });

  it("fails on a type-only import cycle", () => {
    const root = tree({
      "src/core/a.ts": "import type { B } from \"./b.ts\";\nexport type A = B;",
      "src/core/b.ts": "import type { A } from \"./a.ts\";\nexport type B = A;",
    });
    try {
      const problems = checkImports(root);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /^import cycle among: .*src\/core\/a\.ts/);
      assert.match(problems[0], /src\/core\/b\.ts/);
    } finally {
      rmSync(root, { recursive: true });
    }
  });

  it("fails when the core imports a feature, even through a re-export", () => {
    const root = tree({
      "src/core/request.ts": "export { S } from \"../sessions/session.ts\";",
      "src/sessions/session.ts": "export const S = 1;",
    });
    try {
      assert.deepEqual(checkImports(root), [
        "src/core/request.ts imports src/sessions/session.ts, a higher layer",
      ]);
    } finally {
      rmSync(root, { recursive: true });
    }
  });

  it("fails on a file outside every layer", () => {
    const root = tree({ "src/misc.ts": "export const x = 1;" });
    try {
      assert.deepEqual(checkImports(root), ["src/misc.ts: not in any layer"]);
    } finally {
      rmSync(root, { recursive: true });
    }
  });

  it("ignores imports in doc comments", () => {
    const root = tree({
      "src/http/a.ts":
        "/**\n * import { x } from \"../../mod.ts\";\n */\nexport const a = 1;",
    });
    try {
      assert.deepEqual(checkImports(root), []);
    } finally {
      rmSync(root, { recursive: true });
    }
  });
});

describe("importsOf()", () => {
  it("finds imports, type imports, re-exports and dynamic imports", () => {
    const text = [
      "import { a } from \"./a.ts\";",
      "import type { B } from \"../b.ts\";",
      "export * from \"./c.ts\";",
      "const d = await import(\"./d.ts\");",
      "import process from \"node:process\";",
    ].join("\n");
    assert.deepEqual(importsOf(text), [
      "./a.ts",
      "../b.ts",
      "./c.ts",
      "./d.ts",
    ]);
  });
});

describe("findCycles()", () => {
  it("reports a self-import and nothing for a chain", () => {
    const graph = new Map([["a", ["a"]], ["b", ["c"]], ["c", []]]);
    assert.deepEqual(findCycles(graph), [["a"]]);
  });
});

describe("the test command", () => {
  it("never stops or kills services it did not start", async () => {
    const { readFileSync } = await import("node:fs");
    const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
    for (const script of [".ci/run", ".ci/check", ".ci/services"]) {
      const text = readFileSync(join(root, script), "utf8")
        .split("\n").filter((line) => !line.trim().startsWith("#")).join("\n");
      assert.doesNotMatch(
        text,
        /\bservice\s+\S+\s+(stop|restart)|systemctl\s+(stop|restart)|\bpkill\b|\bkillall\b/,
        script,
      );
    }
  });
});
