// allowed_hosts and trusted proxy headers, edge by edge: cases the mutation
// run (`deno task mutation hosts`) found untested.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, HttpResponse, SpiderwebRouter } from "../mod.ts";
import { call, recordingLogger } from "./_helpers.ts";

function hostsApp(allowed_hosts: (string | RegExp)[]) {
  const app = new SpiderwebRouter({ allowed_hosts, log: recordingLogger() });
  app.route("/", () => new HttpResponse("ok"));
  return async (host: string) => (await call(app, "/", { host })).status;
}

describe("allowed_hosts edges", () => {
  it("a RegExp must match the whole host, not a part of it", async () => {
    const status = hostsApp([/example\.com/]);
    assert.equal(await status("example.com"), 200);
    assert.equal(await status("example.com.evil.net"), 403);
    assert.equal(await status("evil-example.com"), 403);
  });

  it("a wildcard allows subdomains only, and only of that domain", async () => {
    const status = hostsApp(["*.example.com"]);
    assert.equal(await status("api.example.com"), 200);
    assert.equal(await status("a.b.example.com:8000"), 200);
    assert.equal(await status("example.com"), 403);
    assert.equal(await status("evil.net"), 403);
    assert.equal(await status("api.example.com.evil.net"), 403);
    assert.equal(await status("apiexample.com"), 403);
  });

  it("an entry's port must match; IPv6 literals and a trailing dot are understood", async () => {
    const status = hostsApp(["example.com:8000", "[::1]", "local.test"]);
    assert.equal(await status("example.com:8000"), 200);
    assert.equal(await status("example.com:8001"), 403);
    assert.equal(await status("[::1]:3000"), 200);
    assert.equal(await status("[::2]"), 403);
    assert.equal(await status("local.test."), 200);
  });

  it("an invalid entry is a ConfigError naming it", () => {
    assert.throws(
      () => new SpiderwebRouter({ allowed_hosts: ["exa mple.com"] }),
      (error: unknown) =>
        error instanceof ConfigError
        && error.message.includes(
          "Invalid allowed_hosts entry \"exa mple.com\"",
        ),
    );
    // A `*` inside a name is not a wildcard.
    assert.throws(
      () => new SpiderwebRouter({ allowed_hosts: ["api.*.example.com"] }),
      ConfigError,
    );
  });
});

describe("trusted proxy headers", () => {
  function proxied() {
    const app = new SpiderwebRouter({
      trust_forwarded_headers: true,
      log: recordingLogger(),
    });
    app.route("/", (request) => ({
      client: request.client_address,
      secure: request.isSecure(),
    }));
    return app;
  }

  it("without X-Forwarded-For the peer address is used", async () => {
    const response = await call(proxied(), "/");
    assert.equal(response.status, 200);
    assert.equal(typeof (await response.json()).client, "string");
  });

  it("X-Forwarded-Proto's first entry counts, trimmed and case-insensitive", async () => {
    const app = proxied();
    const secure = async (proto: string) =>
      (await (await call(app, "/", {
        headers: { "x-forwarded-proto": proto },
      })).json()).secure;
    assert.equal(await secure(" HTTPS , http"), true);
    assert.equal(await secure("http, https"), false);
  });
});
