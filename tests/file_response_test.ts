// FileResponse at its exact bounds: content types, validators, conditional
// requests, every range form, large files read in chunks, and no file
// handle left open.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FileResponse } from "../mod.ts";
import { contentTypeFor } from "../src/files/file_response.ts";
import type { SpiderwebRequest } from "../src/core/request.ts";
import { tempDir } from "./_helpers.ts";

const temp = tempDir();
after(() => temp.cleanup());
const small = join(temp.dir, "small.txt");
writeFileSync(small, "0123456789");
const one = join(temp.dir, "one.bin");
writeFileSync(one, "x");
const empty = join(temp.dir, "empty.bin");
writeFileSync(empty, "");
// 1.5 MiB of a repeating pattern: larger than what is read at once.
const bigBytes = Uint8Array.from({ length: 1_572_864 }, (_, i) => i % 251);
const big = join(temp.dir, "big.bin");
writeFileSync(big, bigBytes);

const asRequest = (headers: Record<string, string>) =>
  ({ headers: new Headers(headers) }) as unknown as SpiderwebRequest;

async function render(
  path: string,
  headers: Record<string, string> = {},
  init: ConstructorParameters<typeof FileResponse>[1] = {},
) {
  const response = new FileResponse(path, init);
  const body = await response.render(asRequest(headers));
  const bytes = body instanceof ReadableStream
    ? new Uint8Array(await new Response(body).arrayBuffer())
    : body instanceof Uint8Array
    ? body
    : null;
  return { response, bytes, header: (n: string) => response.headers.get(n) };
}

const text = (bytes: Uint8Array | null) =>
  bytes === null ? null : new TextDecoder().decode(bytes);

describe("contentTypeFor", () => {
  it("knows the common types; text types say UTF-8", () => {
    const expected: Record<string, string> = {
      "a.html": "text/html; charset=utf-8",
      "a.htm": "text/html; charset=utf-8",
      "a.css": "text/css; charset=utf-8",
      "a.js": "text/javascript; charset=utf-8",
      "a.mjs": "text/javascript; charset=utf-8",
      "a.json": "application/json; charset=utf-8",
      "a.txt": "text/plain; charset=utf-8",
      "a.md": "text/markdown; charset=utf-8",
      "a.csv": "text/csv; charset=utf-8",
      "a.xml": "application/xml; charset=utf-8",
      "a.svg": "image/svg+xml; charset=utf-8",
      "a.png": "image/png",
      "a.jpg": "image/jpeg",
      "a.jpeg": "image/jpeg",
      "a.gif": "image/gif",
      "a.webp": "image/webp",
      "a.avif": "image/avif",
      "a.ico": "image/x-icon",
      "a.pdf": "application/pdf",
      "a.zip": "application/zip",
      "a.gz": "application/gzip",
      "a.wasm": "application/wasm",
      "a.woff": "font/woff",
      "a.woff2": "font/woff2",
      "a.ttf": "font/ttf",
      "a.mp3": "audio/mpeg",
      "a.mp4": "video/mp4",
      "a.webm": "video/webm",
      "A.PNG": "image/png",
      "no-extension": "application/octet-stream",
      "a.unknown": "application/octet-stream",
    };
    for (const [name, type] of Object.entries(expected)) {
      assert.equal(contentTypeFor(name), type, name);
    }
  });
});

describe("FileResponse", () => {
  it("sends the file with its validators; a preset type is kept; no request is fine", async () => {
    const { bytes, header } = await render(small);
    assert.equal(text(bytes), "0123456789");
    assert.equal(header("content-length"), "10");
    const mtime = Math.floor(statSync(small).mtimeMs);
    assert.equal(header("etag"), `"a-${mtime.toString(16)}"`);
    assert.equal(header("last-modified"), new Date(mtime).toUTCString());
    assert.equal(header("accept-ranges"), "bytes");
    assert.equal(header("x-content-type-options"), "nosniff");
    assert.equal(header("content-type"), "text/plain; charset=utf-8");
    const typed = await render(small, {}, {
      headers: { "content-type": "application/x-custom" },
    });
    assert.equal(typed.header("content-type"), "application/x-custom");
    const bare = new FileResponse(small);
    assert.equal(text(await bare.render() as Uint8Array), "0123456789");
    const fromInit = new FileResponse({ filename: small, status_code: 201 });
    assert.equal(fromInit.filename, small);
    assert.equal(fromInit.status_code, 201);
  });

  it("one byte and no bytes", async () => {
    assert.equal(text((await render(one)).bytes), "x");
    const nothing = await render(empty);
    assert.equal(nothing.bytes?.length, 0);
    assert.equal(nothing.header("content-length"), "0");
  });

  it("304 for a matching tag in a list, weak or strong, or a date not before the file's second", async () => {
    const { header } = await render(small);
    const etag = header("etag")!;
    const modified = header("last-modified")!;
    const earlier = new Date(Date.parse(modified) - 1000).toUTCString();
    const cases: [Record<string, string>, number][] = [
      [{ "if-none-match": `"other",  W/${etag} ` }, 304],
      [{ "if-none-match": `"other", ${etag}` }, 304],
      [{ "if-none-match": "*" }, 304],
      [{ "if-none-match": `"other"` }, 200],
      [{ "if-modified-since": modified }, 304],
      [{ "if-modified-since": earlier }, 200],
      [{ "if-none-match": `"other"`, "if-modified-since": modified }, 200],
    ];
    for (const [headers, status] of cases) {
      const result = await render(small, headers);
      assert.equal(
        result.response.status_code,
        status,
        JSON.stringify(headers),
      );
      if (status === 304) {
        assert.equal(result.bytes, null);
        assert.equal(result.header("content-type"), null);
      }
    }
    const notFound = await render(small, { "if-none-match": etag }, {
      status_code: 404,
    });
    assert.equal(notFound.response.status_code, 404);
    assert.equal(text(notFound.bytes), "0123456789");
  });

  it("a tag is compared whole: W/ only counts at its start", async () => {
    const path = join(temp.dir, "tag.bin");
    writeFileSync(path, "t");
    utimesSync(path, 0, 0.002); // mtime 2 ms: the tag is "1-2"
    assert.equal((await render(path)).header("etag"), "\"1-2\"");
    const inside = await render(path, { "if-none-match": "\"1-2W/\"" });
    assert.equal(inside.response.status_code, 200);
  });

  it("ranges: every single-range form, clamped, and 416 with Content-Length 0", async () => {
    const cases: [string, number, string | null, string | null][] = [
      ["bytes=0-4", 206, "01234", "bytes 0-4/10"],
      [" bytes=2-4 ", 206, "234", "bytes 2-4/10"],
      ["bytes=3-3", 206, "3", "bytes 3-3/10"],
      ["bytes=7-", 206, "789", "bytes 7-9/10"],
      ["bytes=8-1000", 206, "89", "bytes 8-9/10"],
      ["bytes=-3", 206, "789", "bytes 7-9/10"],
      ["bytes=-100", 206, "0123456789", "bytes 0-9/10"],
      ["bytes=-", 200, "0123456789", null],
      ["xbytes=0-4", 200, "0123456789", null],
      ["bytes=0-1,3-4", 200, "0123456789", null],
      ["bytes=-0", 416, null, "bytes */10"],
      ["bytes=10-", 416, null, "bytes */10"],
      ["bytes=5-3", 416, null, "bytes */10"],
    ];
    for (const [range, status, body, contentRange] of cases) {
      const result = await render(small, { range });
      assert.equal(result.response.status_code, status, range);
      assert.equal(text(result.bytes), body, range);
      assert.equal(result.header("content-range"), contentRange, range);
      assert.equal(
        result.header("content-length"),
        String(body?.length ?? 0),
        range,
      );
    }
  });

  it("If-Range: the current tag or date allows the range; anything else sends everything", async () => {
    const { header } = await render(small);
    for (const ifRange of [header("etag")!, header("last-modified")!]) {
      const result = await render(small, {
        range: "bytes=0-1",
        "if-range": ifRange,
      });
      assert.equal(result.response.status_code, 206, ifRange);
    }
    const stale = await render(small, {
      range: "bytes=0-1",
      "if-range": "\"old\"",
    });
    assert.equal(stale.response.status_code, 200);
    assert.equal(text(stale.bytes), "0123456789");
    const notFound = await render(small, { range: "bytes=0-1" }, {
      status_code: 404,
    });
    assert.equal(notFound.response.status_code, 404);
    assert.equal(text(notFound.bytes), "0123456789");
  });

  it("large files and ranges are read in chunks, exactly", async () => {
    const whole = await render(big);
    assert.deepEqual(whole.bytes, bigBytes);
    const range = await render(big, { range: "bytes=100-1300000" });
    assert.equal(range.response.status_code, 206);
    assert.deepEqual(range.bytes, bigBytes.subarray(100, 1_300_001));
    const tail = await render(big, { range: "bytes=-1200000" });
    assert.deepEqual(
      tail.bytes,
      bigBytes.subarray(bigBytes.length - 1_200_000),
    );
  });

  it("leaves no file handle open", async () => {
    const open = () => readdirSync("/proc/self/fd").length;
    await render(small);
    const before = open();
    for (let i = 0; i < 30; i++) await render(small, { range: "bytes=1-2" });
    assert.ok(open() - before < 5, `${open() - before} descriptors leaked`);
  });

  it("a missing file or a directory is 404", async () => {
    for (const path of [join(temp.dir, "missing.txt"), temp.dir]) {
      await assert.rejects(
        new FileResponse(path).render(),
        (error: { status?: number }) => error.status === 404,
      );
    }
  });
});
