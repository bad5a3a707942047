import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FileDict, QueryDict } from "../mod.ts";

describe("QueryDict", () => {
  it("get() is the last value; getAll() every value; dict maps keys to lists", () => {
    const query = new QueryDict("a=1&a=2&b=x");
    assert.equal(query.get("a"), "2");
    assert.deepEqual(query.getAll("a"), ["1", "2"]);
    assert.deepEqual({ ...query.dict }, { a: ["1", "2"], b: ["x"] });
    assert.equal(JSON.stringify(query), "{\"a\":[\"1\",\"2\"],\"b\":[\"x\"]}");
  });

  it("lastValues() keeps hostile keys as plain data", () => {
    const values = new QueryDict("__proto__=x&a=1&a=2&constructor=y")
      .lastValues();
    assert.deepEqual(Object.keys(values), ["__proto__", "a", "constructor"]);
    assert.equal(values.a, "2");
    assert.equal(Object.getPrototypeOf(values), Object.prototype);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
});

describe("FileDict", () => {
  it("get() is the last file; getAll(), has(), keys() and size", () => {
    const a = new File(["a"], "a.txt");
    const b = new File(["b"], "b.txt");
    const files = new FileDict([["doc", a], ["doc", b], ["img", a]]);
    assert.equal(files.get("doc"), b);
    assert.deepEqual(files.getAll("doc"), [a, b]);
    assert.ok(files.has("img") && !files.has("nope"));
    assert.deepEqual([...files.keys()], ["doc", "img"]);
    assert.equal(files.size, 3);
    assert.equal(files.get("nope"), null);
  });
});

describe("utf8Length()", () => {
  it("matches TextEncoder for ASCII, 2-, 3- and 4-byte characters and lone surrogates", async () => {
    const { utf8Length } = await import("../src/http/utf8_length.ts");
    const encoder = new TextEncoder();
    for (
      const text of [
        "",
        "abc",
        "é",
        "€uro",
        "😀x",
        "\ud800",
        "a\udc00b",
        "\ud83d\ude00\ud83d",
        "ÿ".repeat(10),
      ]
    ) {
      assert.equal(
        utf8Length(text),
        encoder.encode(text).byteLength,
        JSON.stringify(text),
      );
    }
  });
});
