import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  authenticate,
  checkPassword,
  createUser,
  CSRFMiddleware,
  getUser,
  getUserByUsername,
  login,
  logout,
  logoutAll,
  makePassword,
  SessionMiddleware,
  type SpiderwebRouter,
  TestClient,
  User,
} from "../mod.ts";
import { rows, sessionApp, sha256 } from "./middleware/_session_helpers.ts";

const vectors = JSON.parse(
  readFileSync(
    new URL("./testdata/django_hashes.json", import.meta.url),
    "utf8",
  ),
).vectors as { password: string; encoded: string }[];

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function authApp() {
  const context = sessionApp({
    secret_key: "auth tests",
    middleware: [SessionMiddleware, CSRFMiddleware],
  });
  cleanups.push(context.cleanup);
  const { app } = context;
  app.route(
    "/token",
    async (request) => ({ token: await request.csrfToken() }),
  );
  app.route("/login", async (request) => {
    const user = await authenticate(request, {
      username: request.POST.get("username") ?? "",
      password: request.POST.get("password") ?? "",
    });
    if (!user) return { ok: false };
    await login(request, user);
    return { ok: true };
  }, { allowed_methods: ["POST"] });
  app.route("/me", (request) => {
    const user = request.user as User;
    return {
      authenticated: user.is_authenticated,
      username: user.username,
      session: { ...request.SESSION },
    };
  });
  app.route("/logout", async (request) => {
    await logout(request);
    return { ok: true };
  }, { allowed_methods: ["POST"] });
  app.route("/logout-all", async (request) => ({
    ended: await logoutAll(request),
  }), { allowed_methods: ["POST"] });
  return context;
}

async function loginAs(
  app: SpiderwebRouter,
  username: string,
  password: string,
) {
  const client = new TestClient(app);
  const { token } = await (await client.get("/token")).json();
  const response = await client.post("/login", {
    form: { username, password, csrf_token: token },
  });
  return { client, response, ok: (await response.json()).ok as boolean };
}

describe("passwords", () => {
  it("verifies hashes generated independently by Python's hashlib (Django format)", async () => {
    for (const { password, encoded } of vectors) {
      assert.ok(await checkPassword(password, encoded), encoded);
      assert.ok(!await checkPassword(password + "x", encoded));
    }
  });

  it("makes pbkdf2_sha256$600000$<22-char salt>$<base64> hashes", async () => {
    const encoded = await makePassword("pw");
    assert.match(
      encoded,
      /^pbkdf2_sha256\$600000\$[A-Za-z0-9]{22}\$[A-Za-z0-9+/]{43}=$/,
    );
    assert.ok(await checkPassword("pw", encoded));
  });

  it("empty input, unusable, malformed and unknown hashes never verify", async () => {
    const good = vectors[1].encoded;
    for (const password of ["", null, undefined]) {
      assert.equal(await checkPassword(password, good), false);
    }
    for (
      const encoded of [
        "",
        "!abc",
        "md5$1$salt$hash",
        "pbkdf2_sha256$abc$salt$hash",
        "pbkdf2_sha256$1000$salt",
        "pbkdf2_sha256$99999999999$salt$hash",
        "pbkdf2_sha256$1000$salt$%%%",
      ]
    ) {
      assert.equal(await checkPassword("pässwörd", encoded), false, encoded);
    }
    assert.equal(await checkPassword("x".repeat(5000), good), false);
  });
});

describe("users", () => {
  it("createUser(), getUser() and getUserByUsername() store the original's fields", async () => {
    const { app } = authApp();
    const user = await createUser(app, {
      username: "ann",
      password: "pw",
      email: "ann@example.com",
      first_name: "Ann",
      last_name: "Lee",
    });
    assert.ok(user instanceof User);
    assert.equal(user.getFullName(), "Ann Lee");
    assert.equal(user.getShortName(), "Ann");
    assert.equal(user.is_active, true);
    assert.equal(user.is_staff, false);
    assert.equal(user.last_login, null);
    assert.ok(user.hasUsablePassword());
    assert.equal(getUser(app, user.id)?.username, "ann");
    assert.equal(getUserByUsername(app, "ann")?.email, "ann@example.com");
    assert.equal(getUserByUsername(app, "nobody"), null);
    await assert.rejects(createUser(app, { username: "ann" }), /taken/);
    await assert.rejects(createUser(app, { username: "" }), /1 to 150/);
  });

  it("permissions: add, check, remove; superusers have all", async () => {
    const { app } = authApp();
    const user = await createUser(app, { username: "bob" });
    assert.equal(user.hasPermission("edit"), false);
    user.addPermission("edit");
    assert.equal(user.hasPermission("edit"), true);
    user.removePermission("edit");
    assert.equal(user.hasPermission("edit"), false);
    const admin = await createUser(app, {
      username: "root",
      is_superuser: true,
    });
    assert.equal(admin.hasPermission("anything"), true);
  });

  it("setPassword(), setUnusablePassword() and save()", async () => {
    const { app } = authApp();
    const user = await createUser(app, { username: "cy" });
    assert.equal(user.hasUsablePassword(), false);
    await user.setPassword("new");
    user.save();
    assert.ok(await getUser(app, user.id)!.checkPassword("new"));
    user.setUnusablePassword();
    assert.ok(user.password.startsWith("!") && user.password.length === 41);
    assert.equal(await user.checkPassword("new"), false);
  });
});

describe("authenticate()", () => {
  it("returns the user for good credentials, null otherwise", async () => {
    const { app } = authApp();
    await createUser(app, { username: "dee", password: "right" });
    const inactive = await createUser(app, {
      username: "gone",
      password: "pw",
    });
    inactive.is_active = false;
    inactive.save();
    assert.ok((await loginAs(app, "dee", "right")).ok);
    for (
      const [username, password] of [
        ["dee", "wrong"],
        ["nobody", "right"],
        ["gone", "pw"],
        ["dee", ""],
        ["' OR '1'='1", "' OR '1'='1"],
        ["dee'; DROP TABLE spiderweb_users; --", "x"],
        ["u".repeat(10_000), "x"],
        ["dee", "p".repeat(100_000)],
      ]
    ) {
      assert.equal(
        (await loginAs(app, username, password)).ok,
        false,
        username.slice(0, 20),
      );
    }
    assert.ok(getUserByUsername(app, "dee"));
  });
});

describe("login(), logout() and logoutAll()", () => {
  it("SESS-05 login rotates the key, keeps the data and kills the old cookie", async () => {
    const { app } = authApp();
    const user = await createUser(app, { username: "eve", password: "pw" });
    app.route("/cart", (request) => {
      request.SESSION.cart = [1];
      return {};
    });
    const client = new TestClient(app);
    await client.get("/cart");
    const oldKey = client.cookies().swsession;
    const { token } = await (await client.get("/token")).json();
    const response = await client.post("/login", {
      form: { username: "eve", password: "pw", csrf_token: token },
    });
    assert.deepEqual(await response.json(), { ok: true });
    const newKey = client.cookies().swsession;
    assert.notEqual(newKey, oldKey);
    const stored = rows(app);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].session_key_hash, sha256(newKey));
    assert.deepEqual(JSON.parse(String(stored[0].session_data)), {
      cart: [1],
      _auth_user_id: String(user.id),
    });
    assert.equal(stored[0].user_id, String(user.id));
    assert.ok(getUser(app, user.id)!.last_login);
    const me = await (await client.get("/me")).json();
    assert.equal(me.authenticated, true);
    assert.equal(me.username, "eve");
    const replay = new TestClient(app);
    replay.setCookie("swsession", oldKey);
    assert.equal((await (await replay.get("/me")).json()).authenticated, false);
    assert.equal(rows(app).length, 1);
  });

  it("SESS-06 logout deletes the row; the replayed cookie is anonymous", async () => {
    const { app } = authApp();
    await createUser(app, { username: "fay", password: "pw" });
    const { client } = await loginAs(app, "fay", "pw");
    const key = client.cookies().swsession;
    const { token } = await (await client.get("/token")).json();
    const response = await client.post("/logout", {
      headers: { "x-csrf-token": token },
    });
    assert.equal(response.status, 200);
    assert.equal(rows(app).length, 0);
    const replay = new TestClient(app);
    replay.setCookie("swsession", key);
    assert.equal((await (await replay.get("/me")).json()).authenticated, false);
  });

  it("logoutAll() and revokeUserSessions() end every session of the user", async () => {
    const { app } = authApp();
    const user = await createUser(app, { username: "gil", password: "pw" });
    await createUser(app, { username: "hal", password: "pw" });
    const phone = await loginAs(app, "gil", "pw");
    const laptop = await loginAs(app, "gil", "pw");
    const other = await loginAs(app, "hal", "pw");
    const { token } = await (await laptop.client.get("/token")).json();
    const ended = await laptop.client.post("/logout-all", {
      headers: { "x-csrf-token": token },
    });
    assert.deepEqual(await ended.json(), { ended: 2 });
    assert.equal(
      (await (await phone.client.get("/me")).json()).authenticated,
      false,
    );
    assert.equal(
      (await (await laptop.client.get("/me")).json()).authenticated,
      false,
    );
    assert.equal(
      (await (await other.client.get("/me")).json()).authenticated,
      true,
    );
    const again = await loginAs(app, "gil", "pw");
    assert.ok(again.ok);
    assert.equal(await app.revokeUserSessions(user.id), 1);
    assert.equal(
      (await (await again.client.get("/me")).json()).authenticated,
      false,
    );
  });

  it("a deleted or deactivated user is anonymous; the user loads only when read", async () => {
    const { app } = authApp();
    const user = await createUser(app, { username: "ivy", password: "pw" });
    const { client } = await loginAs(app, "ivy", "pw");
    user.is_active = false;
    user.save();
    assert.equal((await (await client.get("/me")).json()).authenticated, false);
    user.is_active = true;
    user.save();
    assert.equal((await (await client.get("/me")).json()).authenticated, true);
    app.db.prepare("DELETE FROM spiderweb_users WHERE id = ?").run(user.id);
    assert.equal((await (await client.get("/me")).json()).authenticated, false);
    // With the users table gone, reading request.user fails: a view that
    // does not read it still answers, so the user is loaded only on demand.
    const again = await createUser(app, { username: "ivy2", password: "pw" });
    const second = await loginAs(app, "ivy2", "pw");
    assert.ok(second.ok && again.id);
    app.route("/no-user", () => ({ ok: true }));
    app.db.exec(
      "PRAGMA foreign_keys = OFF; DROP TABLE spiderweb_user_permissions; DROP TABLE spiderweb_users",
    );
    assert.equal((await second.client.get("/no-user")).status, 200);
    assert.equal((await second.client.get("/me")).status, 500);
  });
});
