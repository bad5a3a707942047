import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  getUserByUsername,
  SessionMiddleware,
  SpiderwebRouter,
  VERSION,
} from "../mod.ts";
import { recordingLogger, tempDir } from "./_helpers.ts";

const cli = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const appModule = fileURLToPath(
  new URL("./testdata/cli_app.ts", import.meta.url),
);
const brokenModule = fileURLToPath(
  new URL("./testdata/cli_broken_app.ts", import.meta.url),
);
const emptyModule = fileURLToPath(
  new URL("./testdata/empty_app.ts", import.meta.url),
);
const temp = tempDir();
after(() => temp.cleanup());

interface Result {
  code: number | null;
  out: string;
  err: string;
}

// Runs src/cli/main.ts on the same runtime as the test runner.
function web(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<Result> {
  const runArgs = "Deno" in globalThis ? ["run", "-A", cli] : [cli];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...runArgs, ...args], {
      cwd: options.cwd ?? temp.dir,
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, err }));
    child.stdin.end(options.input ?? "");
  });
}

describe("the web command", () => {
  it("version and help", async () => {
    const version = await web(["version"]);
    assert.equal(version.code, 0);
    assert.equal(version.out.trim(), `@spiderweb/spiderweb ${VERSION}`);
    const help = await web([]);
    assert.equal(help.code, 0);
    assert.match(help.out, /Usage: web/);
  });

  it("unknown commands print the help and exit 1", async () => {
    const result = await web(["frobnicate", "--app", appModule]);
    assert.equal(result.code, 1);
    assert.match(result.err, /Unknown command: frobnicate/);
    assert.match(result.err, /Usage: web/);
  });

  it("routes on an app without routes says so", async () => {
    const result = await web(["routes", "--app", emptyModule]);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out.trim(), "No routes registered.");
  });

  it("routes prints path, methods, name and view", async () => {
    const result = await web(["routes", "--app", appModule]);
    assert.equal(result.code, 0, result.err);
    const lines = result.out.trim().split("\n");
    assert.match(lines[0], /^Path\s+Methods\s+Name\s+View$/);
    assert.match(
      lines[1],
      /^\/\s+GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\s+home\s+home$/,
    );
    assert.match(
      lines[2],
      /^\/items\/<int:id>\s+GET, HEAD, POST, OPTIONS\s+item\s+item$/,
    );
  });

  it("check passes, or lists every error and exits 1", async () => {
    const ok = await web(["check", "--app", `${appModule}:app`]);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.out.trim(), "System check passed.");
    const broken = await web(["check", "--app", brokenModule]);
    assert.equal(broken.code, 1);
    assert.match(broken.err, /session_cookie_same_site/);
    assert.match(broken.err, /session_max_age/);
  });

  it("finds the app through SPIDERWEB_APP and the nearest package.json", async () => {
    const env = await web(["check"], {
      env: { SPIDERWEB_APP: `${appModule}:app` },
    });
    assert.equal(env.code, 0, env.err);
    const project = join(temp.dir, "configured");
    mkdirSync(join(project, "deep", "er"), { recursive: true });
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ spiderweb: { app: `${appModule}:app` } }),
    );
    const config = await web(["check"], { cwd: join(project, "deep", "er") });
    assert.equal(config.code, 0, config.err);
    const none = await web(["check"], { cwd: "/" });
    assert.equal(none.code, 1);
    assert.match(none.err, /no app found/);
  });

  it("clearsessions deletes expired sessions", async () => {
    const db = join(temp.dir, "cli.db");
    const app = new SpiderwebRouter({
      db,
      log: recordingLogger(),
      middleware: [SessionMiddleware],
    });
    app.route("/w", (request) => {
      request.SESSION.a = 1;
      return {};
    });
    await app.fetch(new Request("http://localhost/w"));
    await app.fetch(new Request("http://localhost/w"));
    app.db.prepare(
      "UPDATE spiderweb_sessions SET expires_at = 1 WHERE rowid = 1",
    ).run();
    await app.close();
    const result = await web(["clearsessions", "--app", appModule], {
      env: { CLI_TEST_DB: db },
    });
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out.trim(), "Deleted 1 expired sessions.");
  });

  it("createuser reads the password from stdin when it is not a terminal", async () => {
    const db = join(temp.dir, "users.db");
    const result = await web(
      [
        "createuser",
        "--app",
        appModule,
        "--username",
        "ann",
        "--email",
        "a@b.co",
        "--superuser",
      ],
      { env: { CLI_TEST_DB: db }, input: "s3cret\n" },
    );
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /Created user ann/);
    assert.ok(!result.out.includes("s3cret"));
    const app = new SpiderwebRouter({ db, log: recordingLogger() });
    const user = getUserByUsername(app, "ann")!;
    assert.ok(await user.checkPassword("s3cret"));
    assert.equal(user.is_superuser, true);
    await app.close();
    const again = await web(
      ["createuser", "--app", appModule, "--username", "ann"],
      { env: { CLI_TEST_DB: db }, input: "x\n" },
    );
    assert.equal(again.code, 1);
    assert.match(again.err, /taken/);
  });

  it("custom commands run with their arguments", async () => {
    const result = await web(["greet", "spider", "--app", appModule]);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.out.trim(), "Hello, spider!");
  });

  it("new scaffolds app.ts and the config field, never overwriting", async () => {
    const result = await web(["new", "site"]);
    assert.equal(result.code, 0, result.err);
    const appTs = readFileSync(join(temp.dir, "site", "app.ts"), "utf8");
    assert.match(appTs, /new SpiderwebRouter\(\{ append_slash: true \}\)/);
    assert.match(appTs, /export default app/);
    const config = ["deno.json", "package.json"].map((f) =>
      join(temp.dir, "site", f)
    )
      .find(existsSync)!;
    assert.equal(
      JSON.parse(readFileSync(config, "utf8")).spiderweb.app,
      "./app.ts:default",
    );
    writeFileSync(join(temp.dir, "site", "app.ts"), "// mine");
    const again = await web(["new", "site"]);
    assert.equal(again.code, 1);
    assert.equal(
      readFileSync(join(temp.dir, "site", "app.ts"), "utf8"),
      "// mine",
    );
  });

  it("serve starts the server and stops on SIGTERM", async () => {
    const runArgs = "Deno" in globalThis ? ["run", "-A", cli] : [cli];
    const child = spawn(
      process.execPath,
      [
        ...runArgs,
        "serve",
        "--app",
        appModule,
        "--addr",
        "127.0.0.1",
        "--port",
        "0",
      ],
      { cwd: temp.dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        out += d;
        const match = /Starting server on (http:\/\/\S+)/.exec(out);
        if (match) resolve(match[1]);
      });
      child.on("close", () => reject(new Error(`exited: ${out}`)));
    });
    const response = await fetch(url);
    assert.equal(await response.text(), "hello from the cli app");
    const closed = new Promise((resolve) => child.on("close", resolve));
    child.kill("SIGTERM");
    await closed;
    assert.match(out, /Shutting down!/);
  });
});
