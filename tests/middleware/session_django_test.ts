// Django's session behaviours: Vary: Cookie, browser-close cookies, and
// deletions that repeat the cookie's attributes.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  createUser,
  HttpResponse,
  login,
  logout,
  TestClient,
} from "../../mod.ts";
import { call } from "../_helpers.ts";
import {
  cookieAttributes,
  keyOf,
  sessionApp,
  sessionCookies,
} from "./_session_helpers.ts";

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function app(options: Record<string, unknown> = {}) {
  const context = sessionApp(options);
  cleanups.push(context.cleanup);
  const { app } = context;
  app.route("/untouched", () => new HttpResponse("static page"));
  app.route(
    "/varied",
    () => new HttpResponse("x", { headers: { vary: "Accept-Language" } }),
  );
  app.route("/peek", (request) => ({ has: "val" in request.SESSION }));
  app.route("/whoami", (request) => ({
    user: String((request.user as { username: string }).username),
  }));
  return app;
}

const withCookie = (key: string) => ({
  headers: { cookie: `swsession=${key}` },
});

describe("Vary: Cookie", () => {
  it("a view that never touches the session gets no Vary: Cookie, even with a live session", async () => {
    const a = app();
    const key = keyOf(await call(a, "/write"))!;
    for (const path of ["/untouched", "/varied"]) {
      const response = await call(a, path, withCookie(key));
      assert.doesNotMatch(response.headers.get("vary") ?? "", /cookie/i, path);
    }
    const fresh = await call(a, "/untouched");
    assert.equal(fresh.headers.get("vary"), null);
  });

  it("reading, writing or flushing the session adds Vary: Cookie, merged with the view's Vary", async () => {
    const a = app();
    a.route(
      "/read-varied",
      (request) =>
        new HttpResponse(String(request.SESSION.val), {
          headers: { vary: "Accept-Language" },
        }),
    );
    const written = await call(a, "/write");
    assert.equal(written.headers.get("vary"), "Cookie");
    const key = keyOf(written)!;
    for (const path of ["/peek", "/read", "/flush"]) {
      const response = await call(a, path, withCookie(key));
      assert.equal(response.headers.get("vary"), "Cookie", path);
    }
    const anonymous = await call(a, "/peek");
    assert.equal(anonymous.headers.get("vary"), "Cookie");
    const key2 = keyOf(await call(a, "/write"))!;
    const merged = await call(a, "/read-varied", withCookie(key2));
    assert.equal(merged.headers.get("vary"), "Accept-Language, Cookie");
  });

  it("reading request.user reads the session, so the response varies on the cookie", async () => {
    const a = app();
    const response = await call(a, "/whoami");
    assert.equal(response.headers.get("vary"), "Cookie");
  });

  it("deleting a stale cookie varies on the cookie", async () => {
    const a = app();
    const response = await call(a, "/untouched", withCookie("z".repeat(64)));
    assert.equal(sessionCookies(response).length, 1);
    assert.equal(response.headers.get("vary"), "Cookie");
  });
});

describe("session_expire_at_browser_close", () => {
  it("session cookies carry no Max-Age or Expires; setExpiry(seconds) overrides it", async () => {
    const a = app({ session_expire_at_browser_close: true });
    a.route("/remember", (request) => {
      request.session!.setExpiry(600);
      return { close: request.session!.getExpireAtBrowserClose() };
    });
    const response = await call(a, "/write");
    const attributes = cookieAttributes(sessionCookies(response)[0]);
    assert.equal(attributes.has("max-age"), false);
    assert.equal(attributes.has("expires"), false);
    const key = keyOf(response)!;
    const remembered = await call(a, "/remember", withCookie(key));
    assert.deepEqual(await remembered.json(), { close: false });
    assert.equal(
      cookieAttributes(sessionCookies(remembered)[0]).get("max-age"),
      "600",
    );
  });

  it("is checked at startup", () => {
    assert.throws(
      () => app({ session_expire_at_browser_close: "yes" }),
      (error: AggregateError) =>
        error.errors.some((e) =>
          /session_expire_at_browser_close/.test(String(e))
        ),
    );
  });

  it("setExpiry() rejects what is not seconds, a Date or null", async () => {
    const a = app();
    a.route("/bad", (request) => {
      try {
        request.session!.setExpiry(-5);
      } catch (error) {
        return { error: (error as Error).name };
      }
      return { error: null };
    });
    assert.deepEqual(await (await call(a, "/bad")).json(), {
      error: "TypeError",
    });
  });
});

describe("deleting the session cookie repeats its attributes", () => {
  it("logout with a __Host- cookie answers 200 and deletes it with Secure, Path=/ and SameSite", async () => {
    const a = app({
      session_cookie_name: "__Host-sid",
      session_cookie_secure: true,
      session_cookie_same_site: "strict",
    });
    a.route("/login", async (request) => {
      const user = await createUser(request.server, {
        username: `u${Math.random()}`,
        password: "pw",
      });
      await login(request, user);
      return {};
    });
    a.route("/logout", async (request) => {
      await logout(request);
      return {};
    });
    const client = new TestClient(a, { baseUrl: "https://app.example" });
    await client.get("/login");
    assert.ok(client.cookies()["__Host-sid"]);
    const response = await client.get("/logout");
    assert.equal(response.status, 200);
    const deletion = cookieAttributes(
      response.headers.getSetCookie().find((c) => c.startsWith("__Host-sid="))!,
    );
    assert.equal(deletion.get("$value"), "");
    assert.equal(deletion.get("max-age"), "0");
    assert.equal(deletion.get("path"), "/");
    assert.equal(deletion.get("samesite"), "Strict");
    assert.ok(deletion.has("secure"));
    assert.equal(client.cookies()["__Host-sid"], undefined);
  });

  it("a deletion carries Domain, Path and SameSite as set", async () => {
    const a = app({
      session_cookie_domain: "example.com",
      session_cookie_path: "/app",
      session_cookie_same_site: "lax",
    });
    a.route("/app/write", (request) => {
      request.SESSION.v = 1;
      return {};
    });
    a.route("/app/flush", (request) => {
      request.flushSession();
      return {};
    });
    const written = await call(a, "/app/write");
    const set = cookieAttributes(sessionCookies(written)[0]);
    const key = set.get("$value")!;
    const flushed = await call(a, "/app/flush", withCookie(key));
    const deletion = cookieAttributes(sessionCookies(flushed)[0]);
    for (const name of ["domain", "path", "samesite", "httponly"]) {
      assert.equal(deletion.get(name), set.get(name), name);
    }
    assert.equal(deletion.get("max-age"), "0");
  });
});
