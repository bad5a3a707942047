import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  isValidCookieName,
  parseCookieHeader,
  serializeCookie,
} from "../src/http/cookie.ts";
import { GeneralException, HttpResponse } from "../mod.ts";

describe("parseCookieHeader()", () => {
  it("COOK-01 the last duplicate wins", () => {
    assert.equal(parseCookieHeader("swsession=A; swsession=B").swsession, "B");
  });

  it("COOK-02 only space and tab are trimmed from names", () => {
    const cookies = parseCookieHeader(
      "swsession=victim; \u00a0swsession=evil; \ufeffswsession=x; \u3000swsession=y",
    );
    assert.equal(cookies.swsession, "victim");
  });

  it("COOK-03 prototype names are plain data", () => {
    const cookies = parseCookieHeader(
      "__proto__=x; constructor=y; hasOwnProperty=z; toString=w; swsession=s",
    );
    assert.equal(cookies.swsession, "s");
    assert.equal(cookies.__proto__, "x");
    assert.equal(({} as Record<string, unknown>).x, undefined);
    assert.equal(Object.getPrototypeOf(cookies), null);
  });

  it("COOK-04 malformed segments are skipped and bad escapes kept raw", () => {
    for (
      const header of [
        "=x",
        ";;;",
        "a",
        " = b ; ; = ;",
        "\"unterminated",
        "a=%1",
        "a=%E0%A4%A",
        "a=\x01",
      ]
    ) {
      const cookies = parseCookieHeader(header);
      assert.equal(cookies.swsession, undefined, header);
    }
    assert.equal(parseCookieHeader("a=%1").a, "%1");
    assert.equal(parseCookieHeader("a=%E0%A4%A").a, "%E0%A4%A");
    assert.deepEqual({ ...parseCookieHeader("a; b=2") }, { b: "2" });
  });

  it("COOK-05 a 64 KiB header with 10,000 pairs is bounded", () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `c${i}=v`).join(
      "; ",
    );
    const started = performance.now();
    const cookies = parseCookieHeader(header);
    assert.ok(performance.now() - started < 200);
    assert.ok(Object.keys(cookies).length <= 256);
  });
});

describe("serializeCookie()", () => {
  it("writes attributes in spiderweb's order", () => {
    const header = serializeCookie("sid", "v", {
      domain: "example.com",
      expires: new Date(Date.UTC(2030, 0, 1)),
      max_age: 60,
      path: "/",
      same_site: "lax",
      http_only: true,
      partitioned: true,
      secure: true,
    });
    assert.equal(
      header,
      "sid=v; Domain=example.com; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Max-Age=60; Path=/; SameSite=Lax; HttpOnly; Partitioned; Secure",
    );
  });

  it("emits Max-Age=0", () => {
    assert.equal(serializeCookie("a", "b", { max_age: 0 }), "a=b; Max-Age=0");
  });

  it("accepts RFC 6265 tokens such as my_cookie and __Host-x", () => {
    for (const name of ["my_cookie", "my-cookie", "a.b", "__Host-x"]) {
      assert.ok(isValidCookieName(name), name);
    }
    assert.doesNotThrow(() =>
      serializeCookie("__Host-x", "1", { secure: true, path: "/" })
    );
  });

  it("COOK-06 rejects injected names, domains, paths and same-site values", () => {
    const bad: [string, Record<string, unknown>][] = [
      ["a=b; Max-Age=0; x", {}],
      ["legit\r\nX-Injected: evil", {}],
      ["bad;name", {}],
      ["", {}],
      ["foo bar", {}],
      ["cookie;name", {}],
      ["ok", { domain: "example.com; Path=/" }],
      ["ok", { path: "/;evil" }],
      ["ok", { path: "/\r\nx" }],
      ["ok", { same_site: "Lax; Secure" }],
      ["ok", { same_site: "none" }],
      ["__Secure-x", {}],
      ["__Host-x", { secure: true, path: "/a" }],
      ["__Host-x", { secure: true, path: "/", domain: "a.com" }],
    ];
    for (const [name, options] of bad) {
      const response = new HttpResponse("x");
      assert.throws(
        () => response.setCookie(name, "v", options),
        GeneralException,
        `${name} ${JSON.stringify(options)}`,
      );
      assert.equal(response.headers.get("set-cookie"), null);
    }
    assert.throws(
      () => serializeCookie("bad;name", "v"),
      /Invalid cookie name "bad;name": a cookie name must be an RFC 6265 token/,
    );
    assert.throws(
      () => serializeCookie("a", "v", { same_site: "none" }),
      /SameSite=None requires Secure/,
    );
  });

  it("COOK-06 values are percent-encoded", () => {
    const value = "a;b,c d\"e\\f\rg\nh";
    const header = serializeCookie("v", value);
    assert.ok(!/[;,\s"\\]/.test(header.slice(2)), header);
    assert.equal(parseCookieHeader(header).v, value);
  });

  it("COOK-07 JSON, é and emoji round-trip; oversize cookies are refused", () => {
    for (const value of ["{\"a\":[1,2]}", "é", "🕷️"]) {
      assert.equal(parseCookieHeader(serializeCookie("v", value)).v, value);
    }
    assert.throws(
      () => serializeCookie("v", "x".repeat(4100)),
      GeneralException,
    );
  });

  it("a null value is an error naming the cookie", () => {
    assert.throws(
      () => serializeCookie("theme", null as unknown as string),
      /Cookie "theme" has no value/,
    );
  });
});

describe("HttpResponse cookies", () => {
  it("setCookie() appends one Set-Cookie per call; deleteCookie() expires", () => {
    const response = new HttpResponse("x");
    response.setCookie("a", "1");
    response.setCookie("b", "2", { path: "/" });
    response.deleteCookie("c");
    assert.deepEqual(response.headers.getSetCookie(), [
      "a=1",
      "b=2; Path=/",
      "c=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
    ]);
  });
});
