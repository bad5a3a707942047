// Behaviours that small planted bugs once changed without any test noticing
// (issue #15). Each test names the bug it catches.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  checkPassword,
  CSRFMiddleware,
  makePassword,
  SessionMiddleware,
  SpiderwebRouter,
} from "../mod.ts";
import { call, recordingLogger, tempDir } from "./_helpers.ts";
import {
  age,
  keyOf,
  rows,
  sessionApp,
  sha256,
} from "./middleware/_session_helpers.ts";

const temp = tempDir();
after(() => temp.cleanup());

function rowOf(app: SpiderwebRouter, key: string) {
  return rows(app).find((r) => r.session_key_hash === sha256(key))!;
}

const withCookie = (key: string) => ({
  headers: { cookie: `swsession=${key}` },
});

describe("session expiry arithmetic", () => {
  it("a read past the touch interval slides the expiry from now, not from the last activity", async () => {
    const maxAge = 7200;
    const { app } = sessionApp({ session_max_age: maxAge });
    const key = keyOf(await call(app, "/write"))!;
    age(app, key, {
      created: 3_600_000,
      active: 3_600_000,
      expires: 3_600_000,
    });
    const before = Date.now();
    await call(app, "/read", withCookie(key));
    const expires = Number(rowOf(app, key).expires_at);
    // From now: about two hours ahead. From the old activity: one hour.
    assert.ok(expires >= before + maxAge * 1000, `expires ${expires - before}`);
    assert.ok(expires <= Date.now() + maxAge * 1000);
    await app.close();
  });

  it("session_absolute_max_age counts from creation even for an active session", async () => {
    const { app } = sessionApp({
      session_max_age: 3600,
      session_absolute_max_age: 600,
    });
    const key = keyOf(await call(app, "/write"))!;
    // Created 500 s ago, active 100 s ago: 100 s of the cap are left.
    age(app, key, { created: 500_000, active: 100_000, expires: 100_000 });
    const created = Number(rowOf(app, key).created_at);
    const response = await call(app, "/write?v=again", withCookie(key));
    assert.equal(response.status, 200);
    const expires = Number(rowOf(app, key).expires_at);
    assert.equal(expires, created + 600_000);
    const maxAge = Number(
      /Max-Age=(\d+)/.exec(response.headers.get("set-cookie") ?? "")?.[1],
    );
    assert.ok(maxAge <= 100, `Max-Age=${maxAge}`);
    await app.close();
  });
});

describe("CSRF trusted origins", () => {
  it("an exact trusted origin does not trust a longer host that starts with it", async () => {
    const app = new SpiderwebRouter({
      db: join(temp.dir, "csrf.db"),
      secret_key: "k",
      log: recordingLogger(),
      middleware: [SessionMiddleware, CSRFMiddleware],
      csrf_trusted_origins: ["https://trusted.example"],
    });
    app.route("/submit", () => ({ ok: true }), { allowed_methods: ["POST"] });
    const post = (origin: string) =>
      call(app, "/submit", { method: "POST", headers: { origin } });
    assert.equal(
      (await post("https://trusted.example.evil.net")).status,
      403,
    );
    assert.equal((await post("https://trusted.example:8443")).status, 403);
    assert.equal((await post("https://trusted.example")).status, 200);
    await app.close();
  });
});

describe("static files containment", () => {
  const root = join(temp.dir, "site");
  const staticDir = join(root, "static");
  const privateDir = join(root, "static-private");
  mkdirSync(join(staticDir, "sub"), { recursive: true });
  mkdirSync(privateDir, { recursive: true });
  writeFileSync(join(staticDir, "hello.txt"), "hello");
  writeFileSync(join(privateDir, "secret.txt"), "secret");
  // A sibling folder whose name starts with the static folder's name.
  symlinkSync(privateDir, join(staticDir, "leak"));
  const app = new SpiderwebRouter({
    debug: true,
    log: recordingLogger(),
    staticfiles_dirs: [staticDir],
  });

  it("a symlink into static-private (a sibling sharing the prefix) is 404", async () => {
    const response = await call(app, "/static/leak/secret.txt");
    assert.equal(response.status, 404);
    assert.doesNotMatch(await response.text(), /secret/);
  });

  it("`..` segments are rejected even when they stay inside the folder", async () => {
    assert.equal((await call(app, "/static/hello.txt")).status, 200);
    for (
      const path of [
        "/static/sub/..%2fhello.txt",
        "/static/sub/%2e%2e%2fhello.txt",
        "/static/..%2fstatic-private/secret.txt",
      ]
    ) {
      const response = await call(app, path);
      assert.equal(response.status, 404, path);
      await response.body?.cancel();
    }
  });
});

describe("password hashes", () => {
  it("a hash differing in any byte but the last does not verify", async () => {
    const encoded = await makePassword("correct horse", 1000);
    assert.ok(await checkPassword("correct horse", encoded));
    const [algorithm, iterations, salt, hash] = encoded.split("$");
    const bytes = Uint8Array.from(atob(hash), (c) => c.charCodeAt(0));
    for (const index of [0, 15, bytes.length - 2]) {
      const tampered = bytes.slice();
      tampered[index] ^= 0x01;
      const forged = [
        algorithm,
        iterations,
        salt,
        btoa(String.fromCharCode(...tampered)),
      ].join("$");
      assert.equal(await checkPassword("correct horse", forged), false);
    }
  });
});
