// Cookie edges the mutation run (`deno task mutation cookies`) found
// untested: each assertion fails if the check it names is weakened.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  cookieWriter,
  parseCookieHeader,
  serializeCookie,
} from "../src/http/cookie.ts";
import { GeneralException } from "../mod.ts";

function rejects(run: () => unknown, message: string | RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof GeneralException);
    if (typeof message === "string") assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

describe("cookie edges", () => {
  it("names and values are trimmed of spaces and tabs on both sides", () => {
    const cookies = parseCookieHeader("\t a = 1 \t;b=\t2\t; c=   ;d=x y ");
    assert.equal(cookies.a, "1");
    assert.equal(cookies.b, "2");
    assert.equal(cookies.c, "");
    assert.equal(cookies.d, "x y");
    assert.deepEqual(Object.keys(cookies), ["a", "b", "c", "d"]);
  });

  it("each invalid attribute is refused with a message naming it", () => {
    rejects(
      () => serializeCookie("a", "1", { domain: "x;y" }),
      "Invalid cookie domain \"x;y\"",
    );
    rejects(
      () => serializeCookie("a", "1", { path: "" }),
      "Invalid cookie path \"\"",
    );
    rejects(
      () => serializeCookie("a", "1", { same_site: "sometimes" }),
      "Invalid value sometimes for `same_site` cookie attribute. Valid options are 'strict', 'lax', or 'none'.",
    );
    rejects(
      () => serializeCookie("a", "1", { same_site: "None" }),
      "SameSite=None requires Secure",
    );
    rejects(
      () => serializeCookie("a", "1", { max_age: Number.POSITIVE_INFINITY }),
      "Invalid cookie max_age Infinity: expected a number of seconds",
    );
    rejects(
      () => serializeCookie("__Secure-a", "1"),
      "Cookie __Secure-a requires secure",
    );
    rejects(
      () => serializeCookie("__Host-a", "1", { secure: true, path: "/x" }),
      "Cookie __Host-a requires secure and path \"/\", and forbids domain",
    );
  });

  it("SameSite other than None needs no Secure; None with Secure is kept", () => {
    assert.equal(
      serializeCookie("a", "1", { same_site: "STRICT" }),
      "a=1; SameSite=Strict",
    );
    assert.equal(
      serializeCookie("a", "1", { same_site: "none", secure: true }),
      "a=1; SameSite=None; Secure",
    );
  });

  it("a cookie of exactly 4096 bytes is allowed, one more is refused", () => {
    const fits = "v".repeat(4096 - "a=".length);
    assert.equal(serializeCookie("a", fits), `a=${fits}`);
    rejects(
      () => serializeCookie("a", `${fits}v`),
      "Cookie a is longer than 4096 bytes",
    );
  });

  it("a non-finite max_age or a missing value given at write time is refused", () => {
    const write = cookieWriter("a", { path: "/" });
    assert.equal(write("1", { max_age: 59.9 }), "a=1; Max-Age=59; Path=/");
    rejects(
      () => write("1", { max_age: Number.NaN }),
      "Invalid cookie max_age NaN: expected a number of seconds",
    );
    rejects(
      () => write(undefined as unknown as string),
      "Cookie \"a\" has no value (got undefined)",
    );
  });

  it("same_site null means no SameSite attribute", () => {
    assert.equal(
      serializeCookie("a", "1", { same_site: null as unknown as string }),
      "a=1",
    );
  });

  it("an invalid max_age is refused when the writer is made, not at first use", () => {
    rejects(
      () => cookieWriter("a", { max_age: Number.NaN }),
      "Invalid cookie max_age NaN: expected a number of seconds",
    );
  });

  it("segments without = are skipped wherever they are", () => {
    const cookies = parseCookieHeader("flag; b=1; other");
    assert.deepEqual({ ...cookies }, { b: "1" });
  });
});
