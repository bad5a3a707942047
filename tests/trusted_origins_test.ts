// Origin parsing and matching for csrf_trusted_origins, at the edges
// mutation testing found: anchors, credentials, ports, schemes, wildcards.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  canonicalOrigin,
  compileTrustedOrigins,
  originPatternProblem,
  parseOrigin,
  sameOrigin,
} from "../src/http/trusted_origins.ts";

describe("parseOrigin", () => {
  it("splits scheme, lower-case host and port, the default port implied", () => {
    assert.deepEqual(parseOrigin("HTTPS://App.Example"), {
      scheme: "https:",
      host: "app.example",
      port: "443",
    });
    assert.equal(parseOrigin("http://a.example")?.port, "80");
    assert.equal(parseOrigin("https://a.example:8443")?.port, "8443");
    assert.equal(parseOrigin("ftp://a.example")?.port, "");
  });

  it("refuses anything but scheme://host[:port]", () => {
    for (
      const text of [
        " https://a.example",
        "https://a.example/",
        "https://a.example/path",
        "https://a.example?q",
        "https://user@a.example",
        "https://:secret@a.example",
        "https://",
        "a.example",
        "null",
      ]
    ) {
      assert.equal(parseOrigin(text), null, text);
    }
  });
});

describe("originPatternProblem", () => {
  it("names what is wrong with an entry", () => {
    assert.equal(originPatternProblem("https://a.example"), undefined);
    assert.equal(originPatternProblem("https://*.a.example"), undefined);
    assert.equal(originPatternProblem(/x/), undefined);
    assert.equal(originPatternProblem(5), "5 is not a string");
    assert.equal(
      originPatternProblem("a.example"),
      "\"a.example\" has no scheme; add one, e.g. \"https://a.example\"",
    );
    assert.match(originPatternProblem(" https://a.example")!, /has no scheme/);
    assert.equal(
      originPatternProblem("https://a.example/path"),
      "\"https://a.example/path\" is not an origin (scheme://host[:port])",
    );
  });
});

describe("compileTrustedOrigins", () => {
  it("an exact entry matches that scheme, host and port only", () => {
    const trusted = compileTrustedOrigins(["https://a.example:8443"]);
    assert.ok(trusted("https://a.example:8443"));
    assert.ok(trusted("HTTPS://A.EXAMPLE:8443"));
    for (
      const origin of [
        "http://a.example:8443",
        "https://a.example",
        "https://b.example:8443",
        "https://xa.example:8443",
        "not an origin",
      ]
    ) {
      assert.equal(trusted(origin), false, origin);
    }
    const plain = compileTrustedOrigins(["https://a.example"]);
    assert.ok(plain("https://a.example:443"));
    assert.equal(plain("https://e.example"), false);
  });

  it("a wildcard entry matches subdomains, never the bare suffix", () => {
    const trusted = compileTrustedOrigins(["https://*.example.com"]);
    assert.ok(trusted("https://a.example.com"));
    assert.ok(trusted("https://a.b.example.com"));
    assert.equal(trusted("https://example.com"), false);
    assert.equal(trusted("https://.example.com"), false);
    assert.equal(trusted("https://evilexample.com"), false);
  });

  it("a RegExp matches the whole origin", () => {
    const trusted = compileTrustedOrigins([/https:\/\/(a|b)\.example/]);
    assert.ok(trusted("https://a.example"));
    assert.equal(trusted("https://c.example"), false);
    assert.equal(trusted("https://a.example.evil.net"), false);
  });

  it("an invalid entry is a ConfigError naming it", () => {
    assert.throws(
      () => compileTrustedOrigins(["https://a.example", "a.example"]),
      (error: Error) =>
        error.name === "ConfigError"
        && error.message.startsWith(
          "Invalid csrf_trusted_origins entry: \"a.example\" has no scheme",
        ),
    );
  });
});

describe("canonicalOrigin and sameOrigin", () => {
  it("compare scheme, host and port", () => {
    assert.equal(
      canonicalOrigin("HTTPS://App.Example"),
      "https://app.example:443",
    );
    assert.equal(
      canonicalOrigin("http://a.example:8080"),
      "http://a.example:8080",
    );
    assert.equal(canonicalOrigin("nope"), null);
    assert.ok(sameOrigin("https://a.example", "https://A.example:443"));
    assert.equal(
      sameOrigin("https://a.example:443", "http://a.example:443"),
      false,
    );
    assert.equal(sameOrigin("https://a.example", "https://b.example"), false);
    assert.equal(
      sameOrigin("https://a.example", "https://a.example:444"),
      false,
    );
    assert.equal(sameOrigin("https://a.example", "nope"), false);
    assert.equal(sameOrigin("nope", "nope"), false);
  });
});
