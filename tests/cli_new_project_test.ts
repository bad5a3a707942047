// `web new` and the generated project, through real child processes on the
// runtime running the tests, from a fresh folder.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { tempDir } from "./_helpers.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const cli = join(repo, "src", "cli", "main.ts");
const temp = tempDir();
after(() => temp.cleanup());

const isDeno = "Deno" in globalThis;

// Runs a script with the test runner's own runtime.
function run(
  script: string,
  args: string[],
  cwd: string,
  until?: RegExp,
): Promise<{ code: number | null; out: string; err: string; stop(): void }> {
  const runArgs = isDeno ? ["run", "-A", script] : [script];
  const child = spawn(process.execPath, [...runArgs, ...args], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const stop = () => child.kill("SIGTERM");
    const check = () => {
      if (until?.test(out + err)) resolve({ code: null, out, err, stop });
    };
    child.stdout.on("data", (d) => {
      out += d;
      check();
    });
    child.stderr.on("data", (d) => {
      err += d;
      check();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err, stop }));
  });
}

describe("web new", () => {
  const project = join(temp.dir, "mysite");

  it("creates app.ts, manage.ts, deno.json, package.json, templates/, static/ and a README, then prints the next steps", async () => {
    const result = await run(
      cli,
      ["new", "mysite", "--import", repo],
      temp.dir,
    );
    assert.equal(result.code, 0, result.err);
    for (
      const file of [
        "app.ts",
        "manage.ts",
        "deno.json",
        "package.json",
        "README.md",
        "templates/index.html",
        "static/style.css",
      ]
    ) {
      assert.ok(existsSync(join(project, file)), file);
    }
    assert.match(result.out, /Next steps:/);
    assert.match(result.out, /deno task dev/);
    assert.match(result.out, /node manage\.ts routes/);
    const deno = JSON.parse(readFileSync(join(project, "deno.json"), "utf8"));
    const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
    for (const tasks of [deno.tasks, pkg.scripts]) {
      assert.deepEqual(Object.keys(tasks).sort(), ["dev", "manage", "start"]);
    }
    assert.match(deno.tasks.dev, /--watch/);
    assert.match(pkg.scripts.dev, /--watch/);
    const app = readFileSync(join(project, "app.ts"), "utf8");
    assert.match(app, /new SpiderwebRouter\(\{ append_slash: true \}\)/);
    assert.match(app, /if \(isMain\(import\.meta\).*\) await app\.start\(\);/);
    assert.match(app, /export default app;/);
  });

  it("manage.ts lists the routes without starting a server", async () => {
    const result = await run(join(project, "manage.ts"), ["routes"], project);
    assert.equal(result.code, 0, result.err);
    assert.match(
      result.out,
      /^\/\s+GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\s+home/m,
    );
    assert.doesNotMatch(result.out + result.err, /Starting server/);
  });

  it("app.ts serves a request when started directly", async () => {
    // Port 0 picks a free port, so tests never collide on 8000.
    const appPath = join(project, "app.ts");
    writeFileSync(
      appPath,
      readFileSync(appPath, "utf8").replace(
        "{ append_slash: true }",
        "{ append_slash: true, port: 0, addr: \"127.0.0.1\" }",
      ),
    );
    // Deno and Node run app.start(); Bun serves the default export itself.
    const started =
      /(?:Starting server on|Started (?:development )?server:) (http:\S+)/;
    const server = await run(appPath, [], project, started);
    try {
      const url = started.exec(server.out + server.err)![1];
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /Hello from spiderweb!/);
    } finally {
      server.stop();
    }
  });

  it("manage.ts serve serves the app, version prints the package", async () => {
    const server = await run(
      join(project, "manage.ts"),
      ["serve", "--port", "0", "--addr", "127.0.0.1"],
      project,
      /Starting server on (http:\S+)/,
    );
    try {
      const url =
        /Starting server on (http:\S+)/.exec(server.out + server.err)![1];
      const response = await fetch(url);
      assert.equal(response.status, 200);
      await response.body?.cancel();
    } finally {
      server.stop();
    }
    const version = await run(join(project, "manage.ts"), ["version"], project);
    assert.match(version.out, /^@spiderweb\/spiderweb \d/);
  });

  it("deno install gives a global web command", { skip: !isDeno }, async () => {
    const root = join(temp.dir, "deno-root");
    const install = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [
        "install",
        "-g",
        "-A",
        "-n",
        "web",
        "--root",
        root,
        cli,
      ], { stdio: "ignore" });
      child.on("close", resolve);
    });
    assert.equal(install, 0);
    const result = await new Promise<string>((resolve) => {
      // The installed script runs `deno` from PATH.
      const bin = join(process.execPath, "..");
      const child = spawn(join(root, "bin", "web"), ["version"], {
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      });
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.on("close", () => resolve(out));
    });
    assert.match(result, /^@spiderweb\/spiderweb \d/);
  });
});
