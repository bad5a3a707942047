// The edges of users, passwords and login that the main auth tests do not
// reach: limits at their exact values, malformed credentials and hashes, and
// the anonymous user's contract (found by mutation testing).
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  AnonymousUser,
  authenticate,
  checkPassword,
  createUser,
  getUser,
  login,
  logoutAll,
  makePassword,
  SessionMiddleware,
  type SpiderwebRequest,
  SpiderwebRouter,
  TestClient,
  type User,
} from "../mod.ts";
import { toSql } from "../src/auth/user_table.ts";
import { parsePasswordHash } from "../src/auth/password.ts";
import { ANONYMOUS_USER } from "../src/auth/anonymous_user.ts";
import { sessionApp } from "./middleware/_session_helpers.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

// An app whose `/run` route hands its request to `work`.
function appRunning(work: (request: SpiderwebRequest) => unknown) {
  const context = sessionApp({ middleware: [SessionMiddleware] });
  cleanups.push(context.cleanup);
  context.app.route("/run", async (request) => ({
    result: await work(request),
  }));
  return { app: context.app, client: new TestClient(context.app) };
}

// A quick hash (1,000 iterations) so the tests stay fast.
async function userWith(app: SpiderwebRequest["server"], name: string) {
  const user = await createUser(app, { username: name });
  user.password = await makePassword("pw", 1000);
  user.save();
  return user;
}

// A Django-format hash of `password` with `iterations`, made directly (so
// passwords `makePassword` refuses can be hashed too).
async function rawHash(password: string, iterations: number, extra = "") {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = new Uint8Array(
    await crypto.subtle.deriveBits(
      {
        name: "PBKDF2",
        hash: "SHA-256",
        salt: new TextEncoder().encode("salt"),
        iterations,
      },
      key,
      256,
    ),
  );
  const bytes = String.fromCharCode(...bits) + extra;
  return `pbkdf2_sha256$${iterations}$salt$${btoa(bytes)}`;
}

describe("AnonymousUser", () => {
  it("is anonymous, inactive, without permissions or password", async () => {
    for (const user of [new AnonymousUser(), ANONYMOUS_USER]) {
      assert.equal(user.id, null);
      assert.equal(user.username, "");
      assert.equal(user.getUsername(), "");
      assert.equal(user.is_authenticated, false);
      assert.equal(user.is_anonymous, true);
      assert.equal(user.is_active, false);
      assert.equal(user.is_staff, false);
      assert.equal(user.is_superuser, false);
      assert.equal(user.hasPermission("anything"), false);
      await assert.rejects(
        user.setPassword("x"),
        /AnonymousUser has no password/,
      );
      await assert.rejects(
        user.checkPassword("x"),
        /AnonymousUser has no password/,
      );
    }
    assert.ok(Object.isFrozen(ANONYMOUS_USER));
  });
});

describe("passwords at their limits", () => {
  it("makePassword takes 4,096 characters and refuses 4,097", async () => {
    const longest = "p".repeat(4096);
    assert.ok(await checkPassword(longest, await makePassword(longest, 1)));
    await assert.rejects(
      makePassword("p".repeat(4097), 1),
      (error: Error) =>
        error instanceof RangeError && /longer than 4096/.test(error.message),
    );
  });

  it("checkPassword refuses a 4,097-character password even when its hash matches", async () => {
    assert.ok(
      await checkPassword("q".repeat(4096), await rawHash("q".repeat(4096), 1)),
    );
    const tooLong = "q".repeat(4097);
    assert.equal(
      await checkPassword(tooLong, await rawHash(tooLong, 1)),
      false,
    );
  });

  it("checkPassword refuses malformed hashes and accepts one iteration", async () => {
    const good = await rawHash("pw", 1);
    assert.ok(await checkPassword("pw", good));
    assert.equal(await checkPassword("pw", `${good}$extra`), false);
    assert.equal(
      await checkPassword("pw", good.replace("pbkdf2_sha256", "pbkdf2_sha1")),
      false,
    );
    assert.equal(await checkPassword("pw", good.replace("$1$", "$0$")), false);
    // Iterations from 1 to 10,000,000; a crafted hash cannot ask for more.
    const at = (n: string) => parsePasswordHash(`pbkdf2_sha256$${n}$s$AAAA`);
    assert.equal(at("1")?.iterations, 1);
    assert.equal(at("10000000")?.iterations, 10_000_000);
    for (const n of ["0", "-1", "10000001", "1.5", "x"]) {
      assert.equal(at(n), null, n);
    }
    assert.deepEqual(at("5")?.hash, new Uint8Array([0, 0, 0]));
    assert.equal(at("5")?.salt, "s");
    assert.equal(parsePasswordHash("pbkdf2_sha256$5$s$!!"), null);
    // A stored hash longer than the computed one never matches, even when
    // it starts with it.
    assert.equal(await checkPassword("pw", await rawHash("pw", 1, "x")), false);
  });
});

describe("users", () => {
  it("usernames are 1 to 150 characters; omitted fields are empty", async () => {
    const { app } = appRunning(() => null);
    await assert.rejects(
      createUser(app, {} as { username: string }),
      /Username must be 1 to 150 characters/,
    );
    await assert.rejects(
      createUser(app, { username: "u".repeat(151) }),
      /1 to 150/,
    );
    const user = await createUser(app, { username: "u".repeat(150) });
    assert.equal(user.username.length, 150);
    assert.equal(typeof user.id, "number");
    assert.deepEqual(
      [user.first_name, user.last_name, user.email],
      ["", "", ""],
    );
    assert.equal(user.is_anonymous, false);
    assert.equal(user.getUsername(), user.username);
    assert.equal(String(user), user.username);
    user.first_name = "Ann";
    assert.equal(user.getFullName(), "Ann");
  });

  it("save() never rewrites the creation time; booleans are stored as 0 and 1", async () => {
    const { app } = appRunning(() => null);
    const user = await createUser(app, { username: "keeps" });
    const joined = user.date_joined;
    user.date_joined = "2000-01-01T00:00:00.000Z";
    user.is_staff = true;
    user.save();
    const stored = getUser(app, user.id)!;
    assert.equal(stored.date_joined, joined);
    assert.equal(stored.is_staff, true);
    assert.equal(toSql(true), 1);
    assert.equal(toSql(false), 0);
  });

  it("an empty password is unusable; an inactive superuser has no permission", async () => {
    const { app } = appRunning(() => null);
    const user = await userWith(app, "inactive");
    assert.ok(user.hasUsablePassword());
    await user.setPassword("");
    assert.equal(user.hasUsablePassword(), false);
    user.is_superuser = true;
    assert.ok(user.hasPermission("x"));
    user.is_active = false;
    assert.equal(user.hasPermission("x"), false);
  });
});

describe("authenticate with malformed credentials", () => {
  it("non-string or missing credentials never authenticate", async () => {
    const attempts: unknown[] = [
      undefined,
      null,
      { username: 123, password: "pw" },
      { username: "123", password: ["pw"] },
      { username: 123, password: ["pw"] },
    ];
    const context = appRunning(async (request) => {
      const results = [];
      for (const credentials of attempts) {
        const user = await authenticate(
          request,
          credentials as { username: string; password: string },
        );
        results.push(user === null);
      }
      const right = await authenticate(request, {
        username: "123",
        password: "pw",
      });
      results.push((right as User | null)?.username === "123");
      return results;
    });
    await userWith(context.app, "123");
    const { result } = await (await context.client.get("/run")).json();
    assert.deepEqual(result, [true, true, true, true, true, true]);
  });

  it("usernames over 150 characters are refused before any lookup", async () => {
    const long = "v".repeat(151);
    const longest = "w".repeat(150);
    const context = appRunning(async (request) => ({
      long: await authenticate(request, { username: long, password: "pw" }),
      longest: (await authenticate(request, {
        username: longest,
        password: "pw",
      }))?.username.length,
    }));
    await userWith(context.app, longest);
    const user = await userWith(context.app, "short");
    // Only a row written behind the API can hold such a name.
    context.app.db.prepare(
      "UPDATE spiderweb_users SET username = ? WHERE id = ?",
    )
      .run(long, user.id);
    const { result } = await (await context.client.get("/run")).json();
    assert.equal(result.long, null);
    assert.equal(result.longest, 150);
  });
});

describe("login", () => {
  it("logoutAll without SessionMiddleware says so", async () => {
    const app = new SpiderwebRouter({ db: ":memory:", log_requests: false });
    app.route("/all", async (request) => {
      try {
        return { ended: await logoutAll(request) };
      } catch (error) {
        return { error: (error as Error).message };
      }
    });
    const body = await (await app.fetch(new Request("http://localhost/all")))
      .json();
    assert.match(body.error, /SessionMiddleware/);
    await app.close();
  });

  it("a different user's login empties the session; the same user's keeps it", async () => {
    const context = appRunning(() => null);
    const ann = await userWith(context.app, "ann");
    const bob = await userWith(context.app, "bob");
    context.app.route("/as/<name>", async (request, { name }) => {
      request.SESSION.cart = request.SESSION.cart ?? `cart of ${name}`;
      await login(request, name === "ann" ? ann : bob);
      return { cart: request.SESSION.cart ?? null };
    });
    assert.deepEqual(await (await context.client.get("/as/ann")).json(), {
      cart: "cart of ann",
    });
    assert.deepEqual(await (await context.client.get("/as/ann")).json(), {
      cart: "cart of ann",
    });
    assert.deepEqual(await (await context.client.get("/as/bob")).json(), {
      cart: null,
    });
  });
});

describe("constant-shape authentication", () => {
  it("every failure costs one full hash: unknown, inactive, unusable or wrong", async () => {
    const context = appRunning(async (request) => {
      const iterations: number[][] = [];
      const subtle = crypto.subtle;
      const original = subtle.deriveBits;
      const calls: number[] = [];
      // Counts the PBKDF2 work each attempt does (no timing involved).
      subtle.deriveBits = function(algorithm, key, length) {
        calls.push((algorithm as Pbkdf2Params).iterations);
        return original.call(subtle, algorithm, key, length);
      };
      try {
        for (const username of ["nobody", "inactive", "unusable", "wrong"]) {
          calls.length = 0;
          const user = await authenticate(request, { username, password: "x" });
          assert.equal(user, null, username);
          iterations.push([...calls]);
        }
      } finally {
        subtle.deriveBits = original;
      }
      return iterations;
    });
    const { app } = context;
    const inactive = await createUser(app, { username: "inactive" });
    inactive.password = await makePassword("x", 600_000);
    inactive.is_active = false;
    inactive.save();
    await createUser(app, { username: "unusable" });
    const wrong = await createUser(app, { username: "wrong" });
    wrong.password = await makePassword("right", 600_000);
    wrong.save();
    const { result } = await (await context.client.get("/run")).json();
    assert.deepEqual(result, [[600_000], [600_000], [600_000], [600_000]]);
  });
});
