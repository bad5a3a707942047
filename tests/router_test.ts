import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConfigError,
  HttpResponse,
  ParseError,
  ReverseNotFound,
  RouteGroup,
  SpiderwebException,
  SpiderwebMiddleware,
  type SpiderwebRequest,
  SpiderwebRouter,
  View,
} from "../mod.ts";
import { call, recordingLogger } from "./_helpers.ts";

function quietApp(options = {}) {
  return new SpiderwebRouter({ log: recordingLogger(), ...options });
}

describe("SpiderwebRouter routing", () => {
  it("route() converts int, float, str, path and bare params", async () => {
    const app = quietApp();
    app.route(
      "/user/<int:id>/<slug>",
      (_request, { id, slug }) => ({ id, slug, type: typeof id }),
    );
    app.route("/f/<float:v>", (_r, { v }) => ({ v }));
    app.route("/files/<path:rest>", (_r, { rest }) => ({ rest }));
    app.route("/s/<STR:name>", (_r, { name }) => ({ name }));
    assert.deepEqual(await (await call(app, "/user/42/abc")).json(), {
      id: 42,
      slug: "abc",
      type: "number",
    });
    assert.deepEqual(await (await call(app, "/f/1.5")).json(), { v: 1.5 });
    assert.deepEqual(await (await call(app, "/files/a/b/c.txt")).json(), {
      rest: "a/b/c.txt",
    });
    assert.deepEqual(await (await call(app, "/s/x")).json(), { name: "x" });
  });

  it("route() returns a registrar when given only options", async () => {
    const app = quietApp();
    const view = app.route("/deco", { name: "deco" })(() => ({ ok: true }));
    assert.equal(typeof view, "function");
    assert.equal((await call(app, "/deco")).status, 200);
    assert.equal(app.reverse("deco"), "/deco");
  });

  it("addRoute() and the routes option register views with names", async () => {
    const app = quietApp({
      routes: [["/a", () => ({ a: 1 }), { name: "a" }], ["/b", () => ({})]],
    });
    app.addRoute("/c", () => new HttpResponse("c"), {
      allowed_methods: ["get"],
    });
    assert.equal(app.reverse("a"), "/a");
    assert.equal((await call(app, "/b")).status, 200);
    assert.equal(await (await call(app, "/c")).text(), "c");
  });

  it("literal segments are escaped: /file.txt does not match /fileXtxt", async () => {
    const app = quietApp();
    app.route("/file.txt", () => new HttpResponse("file"));
    assert.equal((await call(app, "/file.txt")).status, 200);
    assert.equal((await call(app, "/fileXtxt")).status, 404);
  });

  it("the first route in registration order wins", async () => {
    const app = quietApp();
    app.route("/<str:name>", (_r, { name }) => ({ dynamic: name }));
    app.route("/about", () => ({ static: true }));
    assert.deepEqual(await (await call(app, "/about")).json(), {
      dynamic: "about",
    });
  });

  it("duplicate routes and unknown converters are errors at registration", () => {
    const app = quietApp();
    app.route("/a/<int:x>", () => ({}));
    assert.throws(() => app.route("/a/<int:y>", () => ({})), ConfigError);
    assert.throws(
      () => app.route("/a", () => ({})) && app.route("/a", () => ({})),
      /Route '\/a' already exists\./,
    );
    assert.throws(() => app.route("/b/<nope:x>", () => ({})), ParseError);
    assert.throws(() => app.route("/c/<int:a__b>", () => ({})), ConfigError);
    assert.throws(() => app.route("/d/<a>/<a>", () => ({})), ConfigError);
  });

  it("registerConverter() adds a custom converter", async () => {
    const app = quietApp();
    class HexConverter {
      regex = "[0-9a-f]+";
      toValue(value: string) {
        return parseInt(value, 16);
      }
    }
    app.registerConverter(HexConverter);
    app.route("/hex/<hex:n>", (_r, { n }) => ({ n }));
    assert.deepEqual(await (await call(app, "/hex/ff")).json(), { n: 255 });
    assert.equal((await call(app, "/hex/zz")).status, 404);
  });

  it("ROUTE-01 answers 400 to invalid percent-encoding", async () => {
    const app = quietApp();
    app.route("/users/<str:id>", () => ({}));
    for (const path of ["/%E0%A4%A", "/%", "/%zz", "/users/%A4%A2"]) {
      assert.equal((await call(app, path)).status, 400, path);
    }
  });

  it("ROUTE-02 decodes the path once, for router and middleware alike", async () => {
    const seen: string[] = [];
    class Guard extends SpiderwebMiddleware {
      override processRequest(request: SpiderwebRequest) {
        seen.push(request.path);
        if (request.path.startsWith("/admin/")) {
          return new HttpResponse("guarded", { status_code: 403 });
        }
      }
    }
    const app = quietApp({ middleware: [Guard] });
    app.route("/users/<str:id>", (_r, { id }) => ({ id }));
    app.route("/admin/<str:page>", () => ({ secret: true }));
    assert.deepEqual(await (await call(app, "/users/%2525")).json(), {
      id: "%25",
    });
    const response = await call(app, "/admin%2Fsecret");
    assert.equal(response.status, 403);
    assert.equal(await response.text(), "guarded");
    assert.ok(seen.includes("/admin/secret"));
  });

  it("ROUTE-03 int and float converters never round or overflow", async () => {
    const app = quietApp();
    app.route("/items/<int:id>", (_r, { id }) => ({ id }));
    app.route("/x/<float:v>", (_r, { v }) => ({ v }));
    for (
      const bad of [
        "9999999999999999999",
        "+5",
        "0x10",
        "1e3",
        "%201",
        "1.0",
        "%D9%A1%D9%A2",
      ]
    ) {
      assert.equal((await call(app, `/items/${bad}`)).status, 404, bad);
    }
    for (const bad of ["9".repeat(400) + ".0", "NaN", "Infinity"]) {
      assert.equal((await call(app, `/x/${bad}`)).status, 404, bad);
    }
    assert.deepEqual(await (await call(app, "/items/42")).json(), { id: 42 });
  });

  it("ROUTE-04 adjacent path params do not backtrack catastrophically", async () => {
    const app = quietApp();
    app.route("/<path:a>/<path:b>/end", () => ({}));
    class LowerConverter {
      regex = "[a-z]+(?:-[a-z]+)*";
      toValue(value: string) {
        return value;
      }
    }
    app.registerConverter(LowerConverter);
    app.route("/<lower:a>/<lower:b>/x", () => ({}));
    const path = "/" + "a/".repeat(50_000);
    const started = performance.now();
    assert.equal((await call(app, path)).status, 404);
    assert.ok(performance.now() - started < 1000);
  });

  it("ROUTE-06 allowed_hosts match exactly or by *. wildcard", async () => {
    const app = quietApp({
      allowed_hosts: ["app.example", "*.api.example"],
    });
    app.route("/", () => ({}));
    for (
      const host of [
        "evil.example",
        "app.example.evil.net",
        "evilapp.example",
        "app.example@evil",
        "api.example",
      ]
    ) {
      const response = await call(app, "/", { headers: { host } });
      assert.equal(response.status, 403, host);
      assert.deepEqual(await response.json(), { error: "Forbidden" });
    }
    for (
      const host of [
        "app.example",
        "app.example:8443",
        "v1.api.example",
        "a.b.api.example",
        "APP.EXAMPLE.",
      ]
    ) {
      const response = await call(app, "/", { headers: { host } });
      assert.equal(response.status, 200, host);
    }
  });

  it("allowed_hosts with a port and a RegExp match the whole host", async () => {
    const app = quietApp({
      allowed_hosts: ["example.com:8000", /^api\d\.example\.com$/],
    });
    app.route("/", () => ({}));
    const status = async (host: string) =>
      (await call(app, "/", { headers: { host } })).status;
    assert.equal(await status("example.com:8000"), 200);
    assert.equal(await status("example.com:9000"), 403);
    assert.equal(await status("api1.example.com"), 200);
    assert.equal(await status("api1.example.com.evil"), 403);
  });

  it("an empty Host is 403", async () => {
    const app = quietApp();
    app.route("/", () => ({}));
    const response = await call(app, "/", { headers: { host: "" } });
    assert.equal(response.status, 403);
  });
});

describe("SpiderwebRouter methods", () => {
  it("HEAD is answered for GET routes without a body", async () => {
    const app = quietApp();
    let seen = "";
    app.route("/", (request) => {
      seen = request.method;
      return new HttpResponse("body");
    });
    const response = await call(app, "/", { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "");
    assert.equal(seen, "HEAD");
  });

  it("OPTIONS answers 204 with Allow unless the route handles it", async () => {
    const app = quietApp();
    app.route("/", () => ({}), { allowed_methods: ["GET", "POST"] });
    app.route("/opt", (r) => ({ method: r.method }), {
      allowed_methods: ["OPTIONS"],
    });
    const response = await call(app, "/", { method: "OPTIONS" });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("allow"), "GET, HEAD, POST, OPTIONS");
    const own = await call(app, "/opt", { method: "OPTIONS" });
    assert.deepEqual(await own.json(), { method: "OPTIONS" });
  });

  it("unknown paths are 404 for every method", async () => {
    const app = quietApp();
    for (const method of ["GET", "HEAD", "OPTIONS", "POST", "DELETE"]) {
      const response = await call(app, "/nope", { method });
      assert.equal(response.status, 404, method);
    }
    const body = await (await call(app, "/nope")).json();
    assert.deepEqual(body, { error: "Route `/nope` not found" });
  });

  it("a wrong method is 405 with Allow; methods are upper-cased", async () => {
    const app = quietApp();
    app.route("/", () => ({}), { allowed_methods: ["get"] });
    assert.equal((await call(app, "/")).status, 200);
    const response = await call(app, "/", { method: "POST" });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("allow"), "GET, HEAD, OPTIONS");
    assert.deepEqual(await response.json(), { error: "Method not allowed" });
  });

  it("the explicit allowed_methods option beats the view's attribute", async () => {
    const app = quietApp();
    const view = Object.assign(() => ({}), { allowed_methods: ["POST"] });
    app.route("/x", view, { allowed_methods: ["GET"] });
    app.route("/y", view);
    assert.equal((await call(app, "/x")).status, 200);
    assert.equal((await call(app, "/y")).status, 405);
    assert.equal((await call(app, "/y", { method: "POST" })).status, 200);
  });
});

describe("View", () => {
  class Items extends View {
    get() {
      return { method: "get" };
    }
    post() {
      return { method: "post" };
    }
    _helper() {}
  }

  it("allowedMethods() comes from the defined handlers", () => {
    assert.deepEqual(Items.allowedMethods(), [
      "GET",
      "HEAD",
      "POST",
      "OPTIONS",
    ]);
  });

  it("dispatches on the method; OPTIONS is 204; others are 405 with Allow", async () => {
    const app = quietApp();
    app.route("/items", Items);
    assert.deepEqual(await (await call(app, "/items")).json(), {
      method: "get",
    });
    assert.deepEqual(
      await (await call(app, "/items", { method: "POST" })).json(),
      { method: "post" },
    );
    const options = await call(app, "/items", { method: "OPTIONS" });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get("allow"), "GET, HEAD, POST, OPTIONS");
    const put = await call(app, "/items", { method: "PUT" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, HEAD, POST, OPTIONS");
  });

  it("a listed method without a handler is 405", async () => {
    const app = quietApp();
    app.route("/items", Items, { allowed_methods: ["GET", "DELETE"] });
    assert.equal((await call(app, "/items", { method: "DELETE" })).status, 405);
  });

  it("gets a new instance per request", async () => {
    class Counter extends View {
      count = 0;
      get() {
        return { count: ++this.count };
      }
    }
    const app = quietApp();
    app.route("/c", Counter);
    await call(app, "/c");
    assert.deepEqual(await (await call(app, "/c")).json(), { count: 1 });
  });
});

describe("append_slash", () => {
  it("serves /hello at /hello/ and redirects the bare form keeping the query", async () => {
    const app = quietApp({ append_slash: true });
    app.route("/hello", () => new HttpResponse("hi"), { name: "hello" });
    app.route("/items/<int:id>", (_r, { id }) => ({ id }), { name: "item" });
    assert.equal((await call(app, "/hello/")).status, 200);
    const get = await call(app, "/hello?a=1");
    assert.equal(get.status, 301);
    assert.equal(get.headers.get("location"), "/hello/?a=1");
    assert.equal(await get.text(), "");
    const post = await call(app, "/hello", { method: "POST" });
    assert.equal(post.status, 308);
    const item = await call(app, "/items/3");
    assert.equal(item.status, 301);
    assert.equal(item.headers.get("location"), "/items/3/");
    assert.equal(app.reverse("hello"), "/hello/");
    assert.equal(app.reverse("item", { id: 3 }), "/items/3/");
  });

  it("HDR-02 never redirects to a protocol-relative location", async () => {
    const app = quietApp({ append_slash: true });
    app.route("/<path:rest>/", (_r, { rest }) => ({ rest }));
    app.route("/a/<str:b>", () => ({}));
    for (
      const path of ["//evil.example", "//evil.example?x=1", "/\\evil.example"]
    ) {
      const response = await call(app, path);
      const location = response.headers.get("location");
      if (location !== null) {
        assert.ok(!/^\/[/\\]/.test(location), location);
      }
    }
  });
});

describe("reverse()", () => {
  it("substitutes bare, typed and mixed variables, URL-encoded", () => {
    const app = quietApp();
    app.route("/x/<slug>", () => ({}), { name: "bare" });
    app.route("/a/<x>/<int:y>", () => ({}), { name: "mixed" });
    app.route("/q/<str:q>", () => ({}), { name: "q" });
    app.route("/p/<path:p>", () => ({}), { name: "p" });
    assert.equal(app.reverse("bare", { slug: "a" }), "/x/a");
    assert.equal(app.reverse("mixed", { x: "a", y: 2 }), "/a/a/2");
    assert.equal(app.reverse("q", { q: "a b/c" }), "/q/a%20b%2Fc");
    assert.equal(app.reverse("p", { p: "a b/c" }), "/p/a%20b/c");
    assert.equal(
      app.reverse("bare", { slug: "s" }, { n: "1 2", m: ["a", "b"] }),
      "/x/s?n=1+2&m=a&m=b",
    );
  });

  it("raises the original's errors", () => {
    const app = quietApp();
    app.route("/a/<x>/<y>", () => ({}), { name: "two" });
    assert.throws(() => app.reverse("nope"), ReverseNotFound);
    assert.throws(() => app.reverse("nope"), /View 'nope' not found\./);
    assert.throws(
      () => app.reverse("two"),
      /Missing arguments for reverse: \['x', 'y'\]/,
    );
    assert.throws(
      () => app.reverse("two", { x: 1 }),
      (e: unknown) =>
        e instanceof SpiderwebException
        && e.message === "Missing argument 'y' for reverse.",
    );
  });
});

describe("RouteGroup", () => {
  it("includeRouteGroup() prefixes paths and namespaces names", async () => {
    const api = new RouteGroup({ prefix: "/api/", namespace: "api" });
    api.route("/users/<int:id>", (_r, { id }) => ({ id }), { name: "user" });
    api.addRoute("/ping", () => ({ pong: true }), { name: "ping" });
    api.route("/deco", { name: "deco" })(() => ({}));
    const app = quietApp();
    app.includeRouteGroup(api);
    assert.deepEqual(await (await call(app, "/api/users/7")).json(), { id: 7 });
    assert.equal(app.reverse("api:user", { id: 7 }), "/api/users/7");
    assert.equal(app.reverse("api:ping"), "/api/ping");
    assert.equal(app.reverse("api:deco"), "/api/deco");
  });
});

describe("extra_data", () => {
  it("keeps unknown options for views as request.server.extra_data", async () => {
    const app = quietApp({ greeting: "hi", session_cookie_name: "sid" });
    app.route("/", (request) => ({ extra: request.server.extra_data }));
    assert.deepEqual(await (await call(app, "/")).json(), {
      extra: { greeting: "hi" },
    });
  });

  it("invalid core options are ConfigErrors", () => {
    assert.throws(() => quietApp({ port: 70000 }), ConfigError);
    assert.throws(() => quietApp({ max_request_body_size: -1 }), ConfigError);
    assert.throws(() => quietApp({ secret_key: "" }), ConfigError);
    assert.throws(() => quietApp({ allowed_hosts: ["a b"] }), ConfigError);
  });
});
