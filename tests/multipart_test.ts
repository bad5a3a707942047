import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { MediaFile, SpiderwebRouter } from "../mod.ts";
import { mediaFileOnDisk } from "../src/core/media_file.ts";
import {
  indexOfBytes,
  multipartBoundary,
  MultipartParser,
  parsePartHeaders,
  type PartInfo,
} from "../src/http/multipart_parser.ts";
import { call, recordingLogger, tempDir } from "./_helpers.ts";

const encoder = new TextEncoder();

function part(headers: string, body: string): string {
  return `--B\r\n${headers}\r\n\r\n${body}\r\n`;
}

const SAMPLE = "preamble\r\n"
  + part("Content-Disposition: form-data; name=\"title\"", "hello\r\nworld")
  + part(
    "Content-Disposition: form-data; name=\"doc\"; filename=\"a.txt\"\r\n"
      + "Content-Type: text/plain",
    "--B is not a boundary without CRLF before it",
  )
  + part("Content-Disposition: form-data; name=\"empty\"", "")
  + "--B--\r\nepilogue";

// Parses `body` cut into pieces of `size` bytes; returns the parts found.
function parseInPieces(body: string, size: number) {
  const parts: { info: PartInfo; body: string }[] = [];
  let chunks: Uint8Array[] = [];
  const parser = new MultipartParser("B", {
    start: (info) => {
      chunks = [];
      parts.push({ info, body: "" });
    },
    data: (bytes) => {
      assert.ok(bytes.length > 0, "no empty data events");
      chunks.push(bytes.slice());
    },
    end: () => {
      parts.at(-1)!.body = new TextDecoder().decode(
        new Uint8Array(chunks.flatMap((c) => [...c])),
      );
    },
  });
  const bytes = encoder.encode(body);
  for (let at = 0; at < bytes.length; at += size) {
    parser.push(bytes.subarray(at, at + size));
  }
  parser.finish();
  return parts;
}

describe("the streaming multipart parser", () => {
  it("finds the same parts however the body is cut", () => {
    const whole = parseInPieces(SAMPLE, SAMPLE.length);
    assert.deepEqual(whole.map((p) => [p.info.name, p.info.filename, p.body]), [
      ["title", null, "hello\r\nworld"],
      ["doc", "a.txt", "--B is not a boundary without CRLF before it"],
      ["empty", null, ""],
    ]);
    assert.equal(whole[1].info.contentType, "text/plain");
    for (const size of [1, 2, 3, 5, 7, 11, 64]) {
      assert.deepEqual(parseInPieces(SAMPLE, size), whole, `pieces of ${size}`);
    }
  });

  it("rejects bodies that are not multipart with a 400 naming why", () => {
    const bad: [string, RegExp][] = [
      [part("Content-Disposition: form-data; name=\"a\"", "x"), /ended before/],
      [
        "--B\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--",
        /Content-Disposition/,
      ],
      [part("Content-Disposition: form-data", "x") + "--B--", /no name/],
      [part("Content-Disposition: attachment; name=a", "x"), /form-data/],
      ["--Bxyz\r\n", /followed by something else/],
      [`--B\r\nX: ${"y".repeat(20_000)}`, /headers are too large/],
      ["no boundary at all", /ended before/],
    ];
    for (const [body, why] of bad) {
      assert.throws(
        () => parseInPieces(body, 4096),
        (error: Error & { status?: number }) =>
          error.status === 400 && why.test(error.message),
        body.slice(0, 40),
      );
    }
  });

  it("reads names and file names as browsers and RFC 5987 send them", () => {
    const info = (value: string) =>
      parsePartHeaders(`Content-Disposition: ${value}`);
    assert.deepEqual(
      info("form-data; name=\"a%22b\"; filename=\"x%0Ay.txt\""),
      {
        name: "a\"b",
        filename: "x\ny.txt",
        contentType: "",
      },
    );
    assert.equal(info("form-data; name=\"q\\\"uote\"").name, "q\"uote");
    assert.equal(info("form-data; name=bare").name, "bare");
    assert.equal(
      info(
        "form-data; name=f; filename=\"plain.txt\"; filename*=UTF-8''%E2%82%AC.txt",
      ).filename,
      "€.txt",
    );
    assert.equal(info("form-data; name=\"\"; filename=\"\"").filename, "");
    assert.equal(info("FORM-DATA; NAME=up").name, "up");
    assert.throws(
      () => info("form-data; name=f; filename*=UTF-8''%E2%82"),
      (error: Error) => /filename\*/.test(error.message),
    );
  });
});

describe("multipart details found by mutation testing", () => {
  const headers = (block: string) => parsePartHeaders(block);
  it("header lines: no colon, space before it, other headers after the type", () => {
    const cd = "Content-Disposition: form-data; name=a";
    assert.equal(headers(`${cd}\r\nContent-Typex`).contentType, "");
    assert.equal(
      headers(`${cd}\r\nContent-Type : text/plain`).contentType,
      "text/plain",
    );
    assert.equal(
      headers(`${cd}\r\nContent-Type: text/csv\r\nX-Other: y`).contentType,
      "text/csv",
    );
  });

  it("Content-Disposition: exactly form-data; parameters with or without spaces", () => {
    for (const bad of ["attachment-form-data; name=a", "form-datax; name=a"]) {
      assert.throws(
        () => headers(`Content-Disposition: ${bad}`),
        (e: Error) => /form-data/.test(e.message),
        bad,
      );
    }
    assert.equal(headers("Content-Disposition: form-data;name=a").name, "a");
    assert.equal(headers("Content-Disposition: form-data; name = a").name, "a");
  });

  it("filename* only in the RFC 5987 form, language tags allowed", () => {
    const file = (params: string) =>
      headers(
        `Content-Disposition: form-data; name=f; filename="plain"; ${params}`,
      )
        .filename;
    assert.equal(file("filename*=UTF-8'en'%41.txt"), "A.txt");
    assert.equal(file("filename*=xutf-8''%41"), "plain");
    assert.equal(file("filename*=UTF-8''a\nb"), "plain");
  });

  it("after a boundary: only -- or blanks then CRLF", () => {
    const rest = "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--";
    for (const after of ["-x", "x-", "\rx", "x\n"]) {
      assert.throws(
        () => parseInPieces(`--B${after}\r\n${rest}`, 1000),
        (e: Error) => /followed by something else/.test(e.message),
        JSON.stringify(after),
      );
    }
    const blanks = `--B${" ".repeat(256)}\r\n${rest}`;
    assert.equal(parseInPieces(blanks, 1000)[0].body, "1");
  });

  it("the header span limit is exact and counted from each part's start", () => {
    // From the CRLF before the headers to the blank line: 16 KiB.
    const block = (size: number) => {
      const start = "Content-Disposition: form-data; name=\"a\"\r\nX: ";
      return start + "h".repeat(size - start.length);
    };
    const body = (size: number) => `--B\r\n${block(size)}\r\n\r\nv\r\n--B--`;
    assert.equal(parseInPieces(body(16_382), 100_000)[0].body, "v");
    assert.throws(
      () => parseInPieces(body(16_383), 100_000),
      (e: Error) => /too large/.test(e.message),
    );
    const second = `--B\r\nContent-Disposition: form-data; name="big"\r\n\r\n${
      "d".repeat(20_000)
    }\r\n--B\r\nContent-Disposition: form-data; name="b"\r\n\r\nw\r\n--B--`;
    assert.deepEqual(parseInPieces(second, 100_000).map((p) => p.info.name), [
      "big",
      "b",
    ]);
  });

  it("everything after the closing boundary is ignored, however it arrives", () => {
    const body = "preamble\r\n--B\r\nContent-Disposition: form-data; name=\"a\""
      + "\r\n\r\n1\r\n--B--\r\nepilogue\r\n\r\nX: y\r\n\r\n--B\r\n";
    for (const size of [1, 7, 1000]) {
      assert.deepEqual(parseInPieces(body, size).map((p) => p.body), ["1"]);
    }
  });
});

describe("multipart details", () => {
  it("boundaries: quoted or bare, 1 to 70 characters", () => {
    assert.equal(
      multipartBoundary("multipart/form-data; boundary=\"a b\""),
      "a b",
    );
    assert.equal(
      multipartBoundary("multipart/form-data;boundary=xyz; x=1"),
      "xyz",
    );
    assert.equal(
      multipartBoundary(`multipart/form-data; boundary=${"b".repeat(70)}`)
        .length,
      70,
    );
    for (
      const type of [
        "multipart/form-data",
        "multipart/form-data; boundary=",
        `multipart/form-data; boundary=${"b".repeat(71)}`,
      ]
    ) {
      assert.throws(
        () => multipartBoundary(type),
        (error: Error) =>
          /boundary is missing or longer than 70/.test(error.message),
        type,
      );
    }
  });

  it("byte search finds the first whole match after false starts", () => {
    const bytes = encoder.encode("\r\n-\r\n--\r\n--B!\r\n--B");
    assert.equal(indexOfBytes(bytes, encoder.encode("\r\n--B")), 7);
    assert.equal(indexOfBytes(bytes, encoder.encode("\r\n--B"), 8), 13);
    assert.equal(indexOfBytes(bytes, encoder.encode("\r\n--C")), -1);
    assert.equal(indexOfBytes(encoder.encode("ab"), encoder.encode("abc")), -1);
  });

  it("blanks after a boundary are padding; too many are refused", () => {
    const padded = "--B  \t\r\n"
      + "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B--";
    assert.deepEqual(parseInPieces(padded, 3).map((p) => p.body), ["1"]);
    assert.throws(
      () => parseInPieces(`--B${" ".repeat(300)}\r\n`, 1000),
      (error: Error) => /too much space after a boundary/.test(error.message),
    );
  });

  it("header blocks up to 16 KiB are read; larger ones are refused even in one piece", () => {
    const header = (size: number) =>
      `--B\r\nContent-Disposition: form-data; name="a"\r\nX: ${
        "h".repeat(size)
      }\r\n\r\nv\r\n--B--`;
    assert.equal(parseInPieces(header(16_000), 100_000)[0].body, "v");
    assert.throws(
      () => parseInPieces(header(17_000), 100_000),
      (error: Error) => /headers are too large/.test(error.message),
    );
  });

  it("bare parameter values are trimmed; only %22, %0D and %0A are decoded", () => {
    const info = parsePartHeaders(
      "content-disposition: form-data; name= spaced ; filename=a%2Fb%0d.txt\r\ncontent-type:  text/plain ",
    );
    assert.deepEqual(info, {
      name: "spaced",
      filename: "a%2Fb\r.txt",
      contentType: "text/plain",
    });
    assert.equal(
      parsePartHeaders("Content-Disposition: form-data; name=\"a\"; name=\"b\"")
        .name,
      "a",
    );
    assert.equal(
      parsePartHeaders("Content-Disposition: form-data; name=x\r\nbad line")
        .name,
      "x",
    );
  });
});

describe("a MediaFile kept on disk", () => {
  it("slices like a Blob: clamped, negative offsets, empty when reversed, typed", async () => {
    const temp = tempDir();
    try {
      const path = join(temp.dir, "spooled.part");
      writeFileSync(path, "0123456789");
      const file = mediaFileOnDisk(path, 10, null, "d.txt", {
        type: "text/plain",
      }, null);
      assert.equal(file.size, 10);
      assert.equal(file.content_type, "text/plain");
      const text = async (blob: Blob) => await blob.text();
      assert.equal(await text(file.slice()), "0123456789");
      assert.equal(await text(file.slice(3)), "3456789");
      assert.equal(await text(file.slice(-3)), "789");
      assert.equal(await text(file.slice(2, -2)), "234567");
      assert.equal(await text(file.slice(-20, 2)), "01");
      assert.equal(await text(file.slice(8, 50)), "89");
      assert.equal(file.slice(6, 2).size, 0);
      assert.equal(await text(file.slice(6, 2)), "");
      assert.equal(file.slice(1, 3, "text/x-part").type, "text/x-part");
      assert.equal(await text(file.slice(2, 8).slice(1, 3)), "34");
      assert.equal(
        new TextDecoder().decode(await file.slice(4, 6).arrayBuffer()),
        "45",
      );
      await assert.rejects(
        new MediaFile(["x"], "x.txt", {}, null).save(),
        /media_dir/,
      );
    } finally {
      temp.cleanup();
    }
  });

  it("reads, streams, slices and saves exactly, with or without a native Blob", async () => {
    const temp = tempDir();
    try {
      const content = Uint8Array.from({ length: 200_000 }, (_, i) => i % 253);
      const path = join(temp.dir, "big.part");
      writeFileSync(path, content);
      const { openAsBlob } = await import("node:fs");
      const lazy = "Deno" in globalThis ? null : await openAsBlob(path);
      const same = async (body: BodyInit, expected: Uint8Array) =>
        Buffer.compare(
          new Uint8Array(await new Response(body).arrayBuffer()),
          expected,
        ) === 0;
      for (const blob of [null, lazy]) {
        const media = join(temp.dir, "media");
        const file = mediaFileOnDisk(
          path,
          content.length,
          blob,
          "b.bin",
          { type: "" }, // as an upload without a Content-Type
          media,
        );
        assert.equal(file.content_type, "");
        assert.ok(await same(file.stream(), content));
        const part = file.slice(70_000, 140_001);
        assert.equal(part.type, "");
        const middle = content.subarray(70_000, 140_001);
        assert.ok(await same(part.stream(), middle));
        // A native consumer reads the lazy Blob (Node and Bun); without one,
        // what it reads depends on the runtime: the README says to pass
        // file.stream() on Deno.
        if (blob) {
          assert.ok(await same(part, middle));
          assert.ok(await same(file, content));
        }
        await file.stream().cancel();
        const saved = await file.save();
        assert.equal(Buffer.compare(readFileSync(saved), content), 0);
      }
    } finally {
      temp.cleanup();
    }
  });

  it("a file shorter than recorded reads what is there; handles are closed", async () => {
    const temp = tempDir();
    try {
      const path = join(temp.dir, "short.part");
      writeFileSync(path, "12345");
      const file = mediaFileOnDisk(
        path,
        10,
        null,
        "s.txt",
        {},
        join(temp.dir, "m"),
      );
      assert.equal(await file.text(), "12345");
      const open = () => readdirSync("/proc/self/fd").length;
      const before = open();
      for (let i = 0; i < 20; i++) {
        await file.bytes();
        const reader = file.stream().getReader();
        await reader.read();
        await reader.cancel();
        await file.save();
      }
      assert.ok(open() - before < 5, `${open() - before} descriptors leaked`);
    } finally {
      temp.cleanup();
    }
  });

  it("each read and each cancelled stream closes its file at once", async () => {
    const temp = tempDir();
    try {
      const path = join(temp.dir, "fd.part");
      writeFileSync(path, "x".repeat(100_000));
      const file = mediaFileOnDisk(path, 100_000, null, "f.bin", {}, null);
      const open = () => readdirSync("/proc/self/fd").length;
      await file.bytes(); // warm up
      // Counted right after each step, before a collection could close a
      // forgotten handle behind our back.
      let before = open();
      await file.bytes();
      assert.equal(open(), before, "bytes() leaves no handle open");
      const reader = file.stream().getReader();
      await reader.read();
      before = open();
      await reader.cancel();
      assert.ok(open() < before, "a cancelled stream closes its file");
    } finally {
      temp.cleanup();
    }
  });

  it("save() gives up on an error other than a taken name", async () => {
    const temp = tempDir();
    try {
      // A folder path near PATH_MAX: the folder exists, but no file with a
      // 200-character name can be created in it (ENAMETOOLONG).
      const deep = join(
        temp.dir,
        ...Array.from({ length: 16 }, () => "d".repeat(250)),
      );
      mkdirSync(deep, { recursive: true });
      const file = new MediaFile(["x"], `${"n".repeat(196)}.txt`, {}, deep);
      await assert.rejects(
        file.save(),
        (error: { code?: string }) => error.code === "ENAMETOOLONG",
      );
    } finally {
      temp.cleanup();
    }
  });

  it("save() into a folder that cannot hold files fails at once", async () => {
    const temp = tempDir();
    try {
      const notAFolder = join(temp.dir, "file");
      writeFileSync(notAFolder, "x");
      await assert.rejects(
        new MediaFile(["x"], "x.txt", {}, join(notAFolder, "media")).save(),
      );
    } finally {
      temp.cleanup();
    }
  });

  it("content_type is exactly as sent, case included; long names keep a short extension", async () => {
    assert.equal(new MediaFile(["x"], "a", {}, null).content_type, "");
    assert.equal(
      new MediaFile(["x"], "a", { type: "TEXT/Plain" }, null).content_type,
      "TEXT/Plain",
    );
    const { sanitizeFilename } = await import("../src/core/media_file.ts");
    const long = sanitizeFilename(`${"a".repeat(250)}.txt`);
    assert.equal(long.length, 200);
    assert.ok(long.endsWith("a.txt"));
    const longExtension = sanitizeFilename(
      `${"a".repeat(250)}.${"e".repeat(30)}`,
    );
    assert.equal(longExtension.length, 200);
    assert.ok(longExtension.endsWith(`a.${"e".repeat(19)}`), longExtension);
  });

  it("a read after the request deleted it fails loudly", async () => {
    const temp = tempDir();
    const path = join(temp.dir, "gone.part");
    writeFileSync(path, "abc");
    const file = mediaFileOnDisk(path, 3, null, "g.txt", {}, null);
    temp.cleanup();
    await assert.rejects(file.text(), /ENOENT|no such file/i);
  });
});

describe("uploads larger than file_upload_max_memory_size", () => {
  function uploadApp(dir: string, mediaDir: string) {
    const seen: Record<string, unknown> = {};
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      file_upload_max_memory_size: 1024,
      file_upload_temp_dir: dir,
      media_dir: mediaDir,
    });
    app.route("/up", async (request) => {
      const file = request.FILES.get("f")!;
      seen.spooled = readdirSync(dir).length;
      seen.body = (() => {
        try {
          return request.body.length;
        } catch (error) {
          return (error as Error).message;
        }
      })();
      const chunks: number[] = [];
      for await (const chunk of file.stream()) chunks.push(chunk.length);
      const slice = file.slice(-5);
      return {
        size: file.size,
        text: await file.text(),
        streamed: chunks.reduce((a, b) => a + b, 0),
        bytes: (await file.bytes()).length,
        buffer: (await file.arrayBuffer()).byteLength,
        tail: await slice.text(),
        tailSize: slice.size,
        middle: await file.slice(2, 6).text(),
        type: file.content_type,
        name: file.filename,
        title: request.POST.get("title"),
        saved: readFileSync(await file.save(), "utf8"),
      };
    }, { allowed_methods: ["POST"] });
    return { app, seen };
  }

  it("are kept in a temporary file, read the same, and deleted when the request ends", async () => {
    const temp = tempDir();
    const media = tempDir();
    try {
      const { app, seen } = uploadApp(temp.dir, media.dir);
      const content = "0123456789".repeat(20_000);
      const form = new FormData();
      form.append("title", "big");
      form.append("f", new File([content], "big.txt", { type: "text/x-log" }));
      const response = await call(app, "/up", { method: "POST", body: form });
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.deepEqual(body, {
        size: 200_000,
        text: content,
        streamed: 200_000,
        bytes: 200_000,
        buffer: 200_000,
        tail: "56789",
        tailSize: 5,
        middle: "2345",
        type: "text/x-log",
        name: "big.txt",
        title: "big",
        saved: content,
      });
      assert.equal(seen.spooled, 1, "the file was on disk during the view");
      assert.match(String(seen.body), /file_upload_max_memory_size/);
      assert.deepEqual(readdirSync(temp.dir), [], "and is gone after it");
    } finally {
      temp.cleanup();
      media.cleanup();
    }
  });

  it("small uploads stay in memory and keep request.body", async () => {
    const temp = tempDir();
    const media = tempDir();
    try {
      const { app, seen } = uploadApp(temp.dir, media.dir);
      const form = new FormData();
      form.append("f", new File(["small file"], "s.txt"));
      const body =
        await (await call(app, "/up", { method: "POST", body: form }))
          .json();
      assert.equal(body.text, "small file");
      assert.equal(body.tail, " file");
      assert.equal(seen.spooled, 0);
      assert.equal(typeof seen.body, "number");
    } finally {
      temp.cleanup();
      media.cleanup();
    }
  });

  it("are deleted when the view fails or the body is cut short", async () => {
    const temp = tempDir();
    try {
      const app = new SpiderwebRouter({
        log: recordingLogger(),
        file_upload_max_memory_size: 100,
        file_upload_temp_dir: temp.dir,
      });
      app.route("/fail", () => {
        throw new Error("view failed");
      }, { allowed_methods: ["POST"] });
      const form = new FormData();
      form.append("f", new File(["x".repeat(5000)], "x.bin"));
      const failed = await call(app, "/fail", { method: "POST", body: form });
      assert.equal(failed.status, 500);
      assert.deepEqual(readdirSync(temp.dir), []);
      const truncated = await call(app, "/fail", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=B" },
        body: `--B\r\nContent-Disposition: form-data; name="f"; filename="x"`
          + `\r\n\r\n${"y".repeat(5000)}`,
      });
      assert.equal(truncated.status, 400);
      assert.deepEqual(readdirSync(temp.dir), []);
    } finally {
      temp.cleanup();
    }
  });

  it("spooled bytes do not count against max_buffered_body_bytes", async () => {
    const temp = tempDir();
    try {
      const app = new SpiderwebRouter({
        log: recordingLogger(),
        file_upload_max_memory_size: 1000,
        file_upload_temp_dir: temp.dir,
        max_buffered_body_bytes: 50_000,
      });
      app.route("/up", (request) => ({ size: request.FILES.get("f")?.size }), {
        allowed_methods: ["POST"],
      });
      // Bodies as text: Node's FormData body stream throws an unhandled
      // rejection of its own when it is cancelled half-way.
      const send = (headers: string) =>
        call(app, "/up", {
          method: "POST",
          headers: { "content-type": "multipart/form-data; boundary=B" },
          body: `--B\r\n${headers}\r\n\r\n${"z".repeat(500_000)}\r\n--B--\r\n`,
        });
      const file = "Content-Disposition: form-data; name=\"f\"; filename=\"z\"";
      const response = await send(file);
      assert.deepEqual(await response.json(), { size: 500_000 });
      const tooBig = await send(
        "Content-Disposition: form-data; name=\"text\"",
      );
      assert.equal(tooBig.status, 503, "text fields stay in memory");
    } finally {
      temp.cleanup();
    }
  });

  it("file_upload_max_memory_size and file_upload_temp_dir are checked", () => {
    for (
      const options of [
        { file_upload_max_memory_size: -1 },
        { file_upload_max_memory_size: 1.5 },
        { file_upload_temp_dir: "" },
        { file_upload_temp_dir: 7 },
      ]
    ) {
      assert.throws(
        () =>
          new SpiderwebRouter({
            log: recordingLogger(),
            ...(options as unknown as Record<string, never>),
          }),
        new RegExp(Object.keys(options)[0]),
      );
    }
  });
});
