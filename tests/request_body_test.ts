// Body reading at its exact bounds: the buffered-body budget, the size
// limit, the one-read path for bodies framed by Content-Length, and the
// accounting of multipart bodies kept in memory or spooled to disk.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SpiderwebRouter } from "../mod.ts";
import { BodyBudget } from "../src/core/body_budget.ts";
import { IncomingBody } from "../src/core/incoming_body.ts";
import {
  budgetSpent,
  concatBytes,
  isMultipartForm,
  parseForm,
  readBody,
} from "../src/core/request_body.ts";
import {
  readMultipartForm,
  removeTemporaryFiles,
} from "../src/core/multipart_form.ts";
import { MultipartParser } from "../src/http/multipart_parser.ts";
import type { SpiderwebRequest } from "../src/core/request.ts";
import { call, recordingLogger, tempDir } from "./_helpers.ts";

const encoder = new TextEncoder();
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

// A POST whose body is `body`, sent in `pieces` chunks, with any headers;
// records how often the stream was pulled and whether it was cancelled.
function post(
  body: string,
  headers: Record<string, string> = {},
  pieces = 1,
) {
  const bytes = encoder.encode(body);
  const size = Math.ceil(bytes.length / pieces) || 1;
  const state = { pulls: 0, cancelled: false };
  let at = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls++;
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + size));
      at += size;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  const request = new Request("http://localhost/", {
    method: "POST",
    body: stream,
    headers,
    duplex: "half",
  } as RequestInit);
  return { request, state };
}

const limits = (limit: number | null, budget = new BodyBudget(null)) => ({
  limit,
  budget,
  held: { bytes: 0 },
});

const status = async (work: Promise<unknown>) => {
  try {
    await work;
    return 200;
  } catch (error) {
    return (error as { status?: number }).status ?? 500;
  }
};

describe("BodyBudget", () => {
  it("holds up to its limit exactly, and never goes below zero", () => {
    const budget = new BodyBudget(100);
    assert.equal(budget.limit, 100);
    assert.ok(budget.reserve(100));
    assert.equal(budget.used, 100);
    assert.equal(budget.reserve(1), false);
    assert.equal(budget.used, 100);
    budget.release(40);
    assert.equal(budget.used, 60);
    budget.release(1000);
    assert.equal(budget.used, 0);
    const unlimited = new BodyBudget(null);
    assert.ok(unlimited.reserve(10 ** 12));
  });

  it("budgetSpent is a 503 asking to retry, closing the connection", () => {
    const error = budgetSpent();
    assert.equal(error.status, 503);
    assert.match(error.message, /Too many request bodies/);
    assert.deepEqual(
      { ...error.headers },
      { "retry-after": "1", connection: "close" },
    );
  });
});

describe("readBody", () => {
  it("reads a streamed body whole; no body is empty", async () => {
    const { request } = post("hello world", {}, 3);
    assert.equal(
      text(await readBody(new IncomingBody(request))),
      "hello world",
    );
    const none = new IncomingBody(new Request("http://localhost/"));
    assert.equal((await readBody(none)).length, 0);
    assert.equal((await readBody(none, limits(5))).length, 0);
  });

  it("takes exactly the limit; one byte more is 413, declared or streamed", async () => {
    const exact = post("0123456789", { "content-length": "10" });
    assert.equal(
      (await readBody(new IncomingBody(exact.request), limits(10))).length,
      10,
    );
    const declared = post("01234567890", { "content-length": "11" });
    assert.equal(
      await status(readBody(new IncomingBody(declared.request), limits(10))),
      413,
    );
    assert.equal(declared.state.pulls, 0, "refused unread");
    assert.ok(declared.state.cancelled);
    const streamed = post("01234567890", {}, 4);
    assert.equal(
      await status(readBody(new IncomingBody(streamed.request), limits(10))),
      413,
    );
    const unlimited = post("x".repeat(50), { "content-length": "50" });
    assert.equal(
      (await readBody(new IncomingBody(unlimited.request), limits(null)))
        .length,
      50,
    );
  });

  it("reserves a declared length at once, a streamed body as it arrives", async () => {
    const budget = new BodyBudget(8);
    const over = post("0123456789", { "content-length": "10" });
    assert.equal(
      await status(
        readBody(new IncomingBody(over.request), limits(null, budget)),
      ),
      503,
    );
    assert.equal(over.state.pulls, 0, "refused before reading");
    assert.equal(budget.used, 0);
    const fits = limits(null, budget);
    const streamed = post("abcdef", {}, 2);
    assert.equal(
      text(await readBody(new IncomingBody(streamed.request), fits)),
      "abcdef",
    );
    assert.equal(fits.held.bytes, 6);
    assert.equal(budget.used, 6);
    const declared = limits(null, new BodyBudget(8));
    await readBody(
      new IncomingBody(post("abcd", { "content-length": "4" }).request),
      declared,
    );
    assert.equal(declared.held.bytes, 4);
    assert.equal(declared.budget.used, 4);
    const more = post("abcdefg", {}, 7);
    assert.equal(
      await status(readBody(new IncomingBody(more.request), fits)),
      503,
    );
  });

  it("a stream that fails is a 400 naming the body", async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("reset"));
      },
    });
    const request = new Request("http://localhost/", {
      method: "POST",
      body: failing,
      duplex: "half",
    } as RequestInit);
    await assert.rejects(
      readBody(new IncomingBody(request), limits(100)),
      (error: Error & { status?: number }) =>
        error.status === 400
        && error.message === "The request body could not be read",
    );
  });
});

describe("readBody of a body framed by Content-Length (from a socket)", () => {
  // In-process nothing frames the body, so a body longer than it claims
  // shows which path read it: one read takes it all, the stream path counts.
  const framed = (body: string, length: number) =>
    new IncomingBody(
      post(body, { "content-length": String(length) }).request,
      true,
    );

  it("reads a declared length within the limit in one read", async () => {
    const within = limits(10);
    assert.equal(
      (await readBody(framed("x".repeat(20), 5), within)).length,
      20,
    );
    assert.equal(within.held.bytes, 5, "the declared length is reserved");
    assert.equal(
      (await readBody(framed("y".repeat(20), 0), limits(10))).length,
      20,
    );
    assert.equal(
      (await readBody(framed("z".repeat(15), 10), limits(10))).length,
      15,
    );
    const unlimited = limits(null);
    assert.equal(
      (await readBody(framed("w".repeat(20), 5), unlimited)).length,
      20,
    );
    assert.equal(unlimited.held.bytes, 5);
  });

  it("a declared length past the limit is 413 unread; past the budget 503", async () => {
    assert.equal(
      await status(readBody(framed("x".repeat(20), 20), limits(10))),
      413,
    );
    const budget = new BodyBudget(4);
    const spent = limits(null, budget);
    assert.equal(await status(readBody(framed("x".repeat(5), 5), spent)), 503);
    assert.equal(budget.used, 0);
    assert.equal(spent.held.bytes, 0);
  });

  it("a failing read is a 400", async () => {
    const request = new Request("http://localhost/", {
      method: "POST",
      headers: { "content-length": "5" },
      body: new ReadableStream({
        pull(controller) {
          controller.error(new Error("gone"));
        },
      }),
      duplex: "half",
    } as RequestInit);
    await assert.rejects(
      readBody(new IncomingBody(request, true), limits(10)),
      (error: Error & { status?: number }) =>
        error.status === 400 && /could not be read/.test(error.message),
    );
  });
});

describe("small helpers", () => {
  it("concatBytes joins chunks and returns a single chunk as it is", () => {
    const one = encoder.encode("one");
    assert.equal(concatBytes([one]), one);
    assert.equal(text(concatBytes([one, encoder.encode("+two")])), "one+two");
    assert.equal(concatBytes([]).length, 0);
  });

  it("isMultipartForm and parseForm: form methods and content types only", () => {
    const fake = (method: string, type: string | null, content = "a=1") =>
      ({
        method,
        headers: new Headers(type ? { "content-type": type } : {}),
        isFormRequest: () => /urlencoded|multipart/.test(type ?? ""),
        content,
        POST: undefined as unknown,
      }) as unknown as SpiderwebRequest & { POST: unknown };
    assert.ok(isMultipartForm(fake("POST", "multipart/form-data; boundary=b")));
    assert.ok(
      isMultipartForm(fake("DELETE", "Multipart/Form-Data; boundary=b")),
    );
    assert.equal(
      isMultipartForm(fake("GET", "multipart/form-data; boundary=b")),
      false,
    );
    assert.equal(
      isMultipartForm(fake("POST", "text/plain; x=multipart/form-data")),
      false,
    );
    assert.equal(isMultipartForm(fake("POST", null)), false);
    const form = fake("PUT", "application/x-www-form-urlencoded");
    parseForm(form);
    assert.deepEqual((form.POST as URLSearchParams).get("a"), "1");
    for (
      const request of [
        fake("GET", "application/x-www-form-urlencoded"),
        fake("POST", "application/json"),
      ]
    ) {
      parseForm(request);
      assert.equal(request.POST, undefined);
    }
  });
});

describe("readMultipartForm", () => {
  const upload = (name: string, size: number) =>
    `--B\r\nContent-Disposition: form-data; name="f"; filename="${name}"\r\n\r\n${
      "u".repeat(size)
    }\r\n--B--\r\n`;
  const field = (size: number) =>
    `--B\r\nContent-Disposition: form-data; name="t"\r\n\r\n${
      "t".repeat(size)
    }\r\n--B--\r\n`;
  const TYPE = { "content-type": "multipart/form-data; boundary=B" };

  async function parse(
    body: string,
    options: {
      memoryLimit?: number;
      budget?: BodyBudget;
      tempDir?: string;
      declare?: boolean;
      pieces?: number;
    } = {},
  ) {
    const headers: Record<string, string> = { ...TYPE };
    if (options.declare) headers["content-length"] = String(body.length);
    const { request } = post(body, headers, options.pieces ?? 1);
    const bounds = limits(null, options.budget);
    const temporary: string[] = [];
    const form = await readMultipartForm(new IncomingBody(request), bounds, {
      memoryLimit: options.memoryLimit ?? 100,
      tempDir: options.tempDir ?? null,
      mediaDir: null,
    }, temporary);
    return { form, held: bounds.held.bytes, temporary };
  }

  it("a file of exactly the memory limit stays in memory; one byte more goes to disk", async () => {
    const temp = tempDir();
    try {
      const exact = await parse(upload("a", 100), { tempDir: temp.dir });
      assert.deepEqual(exact.temporary, []);
      assert.equal(exact.form.files.get("f")?.size, 100);
      const over = await parse(upload("b", 101), {
        tempDir: temp.dir,
        pieces: 3,
      });
      assert.equal(over.temporary.length, 1);
      assert.equal(await over.form.files.get("f")?.text(), "u".repeat(101));
      await removeTemporaryFiles(over.temporary, () => {});
    } finally {
      temp.cleanup();
    }
  });

  it("keeps the raw body up to the memory limit, counted in the budget", async () => {
    const small = field(10);
    const kept = await parse(small, {
      memoryLimit: small.length,
      declare: true,
    });
    assert.equal(text(kept.form.raw!), small);
    assert.equal(kept.form.fields.get("t"), "t".repeat(10));
    const big = field(200);
    const dropped = await parse(big, {
      memoryLimit: big.length - 1,
      declare: true,
    });
    assert.equal(dropped.form.raw, null);
    const streamed = await parse(big, { memoryLimit: 100, pieces: 4 });
    assert.equal(streamed.form.raw, null);
    const tight = new BodyBudget(small.length + 5);
    assert.equal(
      await status(parse(small, { memoryLimit: 1000, budget: tight })),
      503,
    );
  });

  it("what goes to disk is given back to the budget; what stays is held", async () => {
    const temp = tempDir();
    try {
      const budget = new BodyBudget(null);
      // Small pieces: the raw body and the file are held in memory first,
      // then given back when they pass the limit.
      const spooled = await parse(upload("c", 5000), {
        tempDir: temp.dir,
        budget,
        pieces: 200,
      });
      assert.equal(spooled.held, 0, "nothing of the file stays counted");
      assert.equal(budget.used, 0);
      await removeTemporaryFiles(spooled.temporary, () => {});
      const inMemory = await parse(field(50), {
        budget,
        memoryLimit: 10,
        pieces: 3,
      });
      assert.equal(inMemory.held, 50);
      assert.equal(budget.used, 50);
    } finally {
      temp.cleanup();
    }
  });

  it("a temporary folder that cannot be written is a 503 with Retry-After, the cause logged", async () => {
    const temp = tempDir();
    try {
      const log = recordingLogger();
      const app = new SpiderwebRouter({
        log,
        file_upload_max_memory_size: 10,
        file_upload_temp_dir: join(temp.dir, "missing"),
      });
      app.route("/up", () => ({}), { allowed_methods: ["POST"] });
      const response = await call(app, "/up", {
        method: "POST",
        headers: TYPE,
        body: upload("d", 100),
      });
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "1");
      const body = await response.text();
      assert.match(body, /The upload could not be stored/);
      assert.doesNotMatch(body, /ENOENT|missing/);
      assert.ok(log.lines.some((l) => /ENOENT/.test(l)), log.lines.join("\n"));
    } finally {
      temp.cleanup();
    }
  });

  it("no file handle is left open by uploads cut short", async () => {
    const temp = tempDir();
    try {
      const app = new SpiderwebRouter({
        log: recordingLogger(),
        file_upload_max_memory_size: 10,
        file_upload_temp_dir: temp.dir,
      });
      app.route("/up", () => ({}), { allowed_methods: ["POST"] });
      const cut = upload("e", 1000).slice(0, 500);
      const open = () => readdirSync("/proc/self/fd").length;
      await call(app, "/up", { method: "POST", headers: TYPE, body: cut });
      const before = open();
      for (let i = 0; i < 20; i++) {
        const response = await call(app, "/up", {
          method: "POST",
          headers: TYPE,
          body: cut,
        });
        assert.equal(response.status, 400);
      }
      assert.ok(open() - before < 5, `${open() - before} descriptors leaked`);
      assert.deepEqual(readdirSync(temp.dir), []);
    } finally {
      temp.cleanup();
    }
  });

  it("removeTemporaryFiles ignores files already gone and reports the rest", async () => {
    const temp = tempDir();
    try {
      const folder = join(temp.dir, "a-folder");
      mkdirSync(folder);
      const failed: string[] = [];
      await removeTemporaryFiles(
        [join(temp.dir, "gone.part"), folder],
        (path) => failed.push(path),
      );
      assert.deepEqual(failed, [folder]);
    } finally {
      temp.cleanup();
    }
  });
});

describe("MultipartParser streaming", () => {
  it("hands a part's bytes over as they come, keeping only a delimiter's worth", () => {
    const data: number[] = [];
    let ended = 0;
    const parser = new MultipartParser("B", {
      start: () => {},
      data: (bytes) => data.push(bytes.length),
      end: () => ended++,
    });
    parser.push(
      encoder.encode(
        "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n",
      ),
    );
    parser.push(encoder.encode("x".repeat(1000)));
    // "\r\n--B" is 5 bytes: 4 may be the start of one, the rest is data.
    assert.deepEqual(data, [996]);
    parser.push(encoder.encode("\r\n--B--"));
    parser.finish();
    assert.equal(ended, 1);
    assert.equal(data.reduce((a, b) => a + b, 0), 1000);
    assert.ok(data.every((n) => n > 0), "no empty data events");
  });
});
