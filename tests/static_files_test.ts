import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  ConfigError,
  FileResponse,
  GzipMiddleware,
  HttpResponse,
  type RunningServer,
  SpiderwebRouter,
} from "../mod.ts";
import { sanitizeFilename } from "../src/core/media_file.ts";
import {
  call,
  rawRequest,
  rawStatus,
  recordingLogger,
  tempDir,
} from "./_helpers.ts";

const temp = tempDir();
const root = temp.dir;
const staticDir = join(root, "static");
const mediaDir = join(root, "media");
const hello = "hello, static world\n";

before(() => {
  writeFileSync(join(root, "spiderweb.db"), "SECRET DATABASE");
  mkdirSync(join(staticDir, ".git"), { recursive: true });
  mkdirSync(join(staticDir, "sub"), { recursive: true });
  writeFileSync(join(staticDir, "hello.txt"), hello);
  writeFileSync(
    join(staticDir, "big.css"),
    "body { color: red; }\n".repeat(500),
  );
  writeFileSync(join(staticDir, ".env"), "SECRET=1");
  writeFileSync(join(staticDir, ".git", "config"), "[core]");
  writeFileSync(join(staticDir, "sub", ".hidden"), "hidden");
  writeFileSync(join(staticDir, "spiderweb.db-wal"), "wal");
  symlinkSync("..", join(staticDir, "up"));
  symlinkSync(join("..", "spiderweb.db"), join(staticDir, "db"));
});
after(() => temp.cleanup());

function staticApp(options: Record<string, unknown> = {}) {
  const log = recordingLogger();
  const app = new SpiderwebRouter({
    log,
    debug: true,
    staticfiles_dirs: [staticDir],
    media_dir: mediaDir,
    ...options,
  });
  return { app, log };
}

describe("static files", () => {
  it("serves a file with type, length, validators and nosniff", async () => {
    const { app } = staticApp();
    const response = await call(app, "/static/hello.txt");
    assert.equal(response.status, 200);
    assert.equal(await response.text(), hello);
    assert.equal(
      response.headers.get("content-type"),
      "text/plain; charset=utf-8",
    );
    assert.equal(response.headers.get("content-length"), String(hello.length));
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.equal(response.headers.get("accept-ranges"), "bytes");
    assert.match(response.headers.get("etag") ?? "", /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.ok(response.headers.get("last-modified"));
  });

  it("answers 304 to If-None-Match and If-Modified-Since", async () => {
    const { app } = staticApp();
    const first = await call(app, "/static/hello.txt");
    const etag = first.headers.get("etag")!;
    const modified = first.headers.get("last-modified")!;
    const variants: Record<string, string>[] = [
      { "if-none-match": etag },
      { "if-none-match": `W/${etag}` },
      { "if-none-match": "*" },
      { "if-modified-since": modified },
    ];
    for (const headers of variants) {
      const response = await call(app, "/static/hello.txt", { headers });
      assert.equal(response.status, 304, JSON.stringify(headers));
      assert.equal(await response.text(), "");
      assert.equal(response.headers.get("etag"), etag);
    }
    const changed = await call(app, "/static/hello.txt", {
      headers: { "if-none-match": "\"other\"", "if-modified-since": modified },
    });
    assert.equal(changed.status, 200);
  });

  it("STATIC-05 ranges: 206, 416, and many ranges get the full 200", async () => {
    const { app } = staticApp();
    const part = await call(app, "/static/hello.txt", {
      headers: { range: "bytes=0-4" },
    });
    assert.equal(part.status, 206);
    assert.equal(await part.text(), "hello");
    assert.equal(
      part.headers.get("content-range"),
      `bytes 0-4/${hello.length}`,
    );
    const suffix = await call(app, "/static/hello.txt", {
      headers: { range: "bytes=-6" },
    });
    assert.equal(await suffix.text(), "world\n");
    const open = await call(app, "/static/hello.txt", {
      headers: { range: "bytes=7-" },
    });
    assert.equal(await open.text(), "static world\n");
    const huge = await call(app, "/static/hello.txt", {
      headers: { range: "bytes=99999999999-" },
    });
    assert.equal(huge.status, 416);
    assert.equal(huge.headers.get("content-range"), `bytes */${hello.length}`);
    const many = Array.from({ length: 1000 }, (_, i) => `${i}-${i}`).join(",");
    const full = await call(app, "/static/hello.txt", {
      headers: { range: `bytes=${many}` },
    });
    assert.equal(full.status, 200);
    assert.equal(await full.text(), hello);
    const stale = await call(app, "/static/hello.txt", {
      headers: { range: "bytes=0-4", "if-range": "\"old\"" },
    });
    assert.equal(stale.status, 200);
  });

  it("STATIC-05 HEAD gets GET's headers without a body; gzip adds Vary", async () => {
    const { app } = staticApp();
    const head = await call(app, "/static/hello.txt", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(hello.length));
    assert.equal(await head.text(), "");
    const gz = staticApp({ middleware: [GzipMiddleware] }).app;
    const response = await call(gz, "/static/big.css", {
      headers: { "accept-encoding": "gzip" },
    });
    assert.equal(response.headers.get("vary"), "Accept-Encoding");
    assert.equal(response.headers.get("content-encoding"), "gzip");
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  });

  it("STATIC-02 encoded traversal, backslashes, NUL and absolute names are 404", async () => {
    const { app } = staticApp();
    const dbPath = join(root, "spiderweb.db");
    const paths = [
      "/static/..%2fspiderweb.db",
      "/static/..%5cspiderweb.db",
      "/static/%252e%252e/spiderweb.db",
      "/static/a/..%2f..%2fspiderweb.db",
      "/static/hello.txt%00.png",
      `/static/${dbPath}`,
      `/static/${encodeURIComponent(dbPath)}`,
    ];
    for (const path of paths) {
      const response = await call(app, path);
      assert.equal(response.status, 404, path);
      assert.ok(!(await response.text()).includes("SECRET"));
    }
  });

  it("STATIC-03 dotfiles and database files are 404", async () => {
    const { app } = staticApp();
    for (
      const path of [
        "/static/.env",
        "/static/.git/config",
        "/static/sub/.hidden",
        "/static/spiderweb.db-wal",
      ]
    ) {
      assert.equal((await call(app, path)).status, 404, path);
    }
  });

  it("STATIC-04 symlinks out of the folder and directories are 404", async () => {
    const { app } = staticApp();
    for (
      const path of [
        "/static/up/spiderweb.db",
        "/static/db",
        "/static/sub",
        "/static/sub/",
      ]
    ) {
      assert.equal((await call(app, path)).status, 404, path);
    }
  });

  it("STATIC-01 raw traversal request-targets never reach the file", async () => {
    const { app } = staticApp({ addr: "127.0.0.1", port: 0 });
    let server: RunningServer | undefined;
    try {
      server = await app.start({ handleSignals: false });
      const port = Number(server.url.port);
      for (
        const target of [
          "/static/../spiderweb.db",
          "/static/%2e%2e/spiderweb.db",
          "/static/.%2e/spiderweb.db",
          "/static/..\\spiderweb.db",
          "/static/./../spiderweb.db",
        ]
      ) {
        const reply = await rawRequest(
          port,
          `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
        );
        assert.ok(
          [400, 404].includes(rawStatus(reply)),
          `${target}: ${reply.slice(0, 40)}`,
        );
        assert.ok(!reply.includes("SECRET"), target);
      }
    } finally {
      await server?.stop();
    }
  });

  it("media is served from media_dir; nothing is served without debug", async () => {
    writeFileSync(join(mediaDir, "photo.txt"), "media!");
    const { app } = staticApp();
    assert.equal(await (await call(app, "/media/photo.txt")).text(), "media!");
    const { app: prod, log } = staticApp({ debug: false });
    assert.equal((await call(prod, "/static/hello.txt")).status, 404);
    assert.equal((await call(prod, "/media/photo.txt")).status, 404);
    assert.ok(
      log.lines.some((l) =>
        l.includes("`staticfiles_dirs` is set, but `debug` is set to FALSE")
      ),
    );
  });

  it("a missing static folder is a logged ConfigError; media_dir is created", () => {
    const log = recordingLogger();
    assert.throws(
      () =>
        new SpiderwebRouter({
          log,
          debug: true,
          staticfiles_dirs: [join(root, "nope")],
        }),
      ConfigError,
    );
    assert.ok(
      log.lines.some((l) =>
        l.startsWith("error") && l.includes("does not exist")
      ),
    );
    const created = join(root, "new-media");
    const info = recordingLogger();
    new SpiderwebRouter({ log: info, media_dir: created });
    assert.ok(existsSync(created));
    assert.ok(info.lines.some((l) => l.startsWith("info")));
  });
});

describe("FileResponse", () => {
  it("streams a file; unknown types are application/octet-stream", async () => {
    const path = join(root, "data.bin");
    writeFileSync(path, new Uint8Array([1, 2, 3]));
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/f", () => new FileResponse(path));
    app.route("/o", () => new FileResponse({ filename: path }));
    app.route("/dir", () => new FileResponse(root));
    app.route("/missing", () => new FileResponse(join(root, "missing")));
    const response = await call(app, "/f");
    assert.equal(
      response.headers.get("content-type"),
      "application/octet-stream",
    );
    assert.deepEqual(
      new Uint8Array(await response.arrayBuffer()),
      new Uint8Array([1, 2, 3]),
    );
    assert.equal((await call(app, "/o")).status, 200);
    assert.equal((await call(app, "/dir")).status, 404);
    assert.equal((await call(app, "/missing")).status, 404);
  });
});

describe("uploads", () => {
  it("FILES holds MediaFiles that save under media_dir without overwriting", async () => {
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      media_dir: mediaDir,
    });
    app.route("/upload", async (request) => {
      const saved: string[] = [];
      for (const file of request.FILES.getAll("doc")) {
        saved.push(await file.save());
      }
      return {
        saved,
        names: request.FILES.getAll("doc").map((
          f,
        ) => [f.filename, f.content_type]),
      };
    });
    const form = () => {
      const data = new FormData();
      data.append(
        "doc",
        new File(["one"], "../../evil.txt", { type: "text/plain" }),
      );
      data.append("doc", new File(["two"], "é ü.txt"));
      return data;
    };
    const first =
      await (await call(app, "/upload", { method: "POST", body: form() }))
        .json();
    const second =
      await (await call(app, "/upload", { method: "POST", body: form() }))
        .json();
    // Bun normalises the type to "text/plain;charset=utf-8".
    assert.equal(first.names[0][0], "../../evil.txt");
    assert.match(first.names[0][1], /^text\/plain/);
    for (const path of [...first.saved, ...second.saved]) {
      assert.ok(path.startsWith(mediaDir), path);
    }
    assert.equal(first.saved[0], join(mediaDir, "evil.txt"));
    assert.match(second.saved[0], /evil_\[[A-Za-z]{6}\]\.txt$/);
    assert.equal(readFileSync(first.saved[0], "utf8"), "one");
    assert.equal(readFileSync(second.saved[1], "utf8"), "two");
  });

  it("sanitizeFilename() keeps names safe", () => {
    assert.equal(sanitizeFilename("../../x"), "x");
    assert.equal(sanitizeFilename("..\\..\\win.ini"), "win.ini");
    assert.equal(sanitizeFilename("...hidden"), "hidden");
    assert.equal(sanitizeFilename(""), "upload");
    assert.equal(sanitizeFilename("a b;c.txt"), "a_b_c.txt");
    assert.ok(sanitizeFilename("x".repeat(500) + ".txt").length <= 200);
  });

  it("save() without media_dir is a ConfigError", async () => {
    const app = new SpiderwebRouter({ log: recordingLogger() });
    app.route("/upload", async (request) => {
      await request.FILES.get("doc")!.save();
      return new HttpResponse("saved");
    });
    const log = app.log as ReturnType<typeof recordingLogger>;
    const data = new FormData();
    data.append("doc", new File(["x"], "a.txt"));
    assert.equal(
      (await call(app, "/upload", { method: "POST", body: data })).status,
      500,
    );
    assert.ok(log.lines.some((l) => l.includes("media_dir")));
  });
});

describe("uploaded files are never active content on the app's origin", () => {
  it("media HTML, XHTML, SVG, XML and scripts are attachments with nosniff; other media and static files are inline", async () => {
    for (
      const name of [
        "page.html",
        "page.htm",
        "doc.xhtml",
        "img.svg",
        "feed.xml",
        "code.js",
      ]
    ) {
      writeFileSync(join(mediaDir, name), "<script>alert(1)</script>");
    }
    writeFileSync(join(mediaDir, "photo.png"), "png");
    writeFileSync(join(staticDir, "page.html"), "<p>static</p>");
    const { app } = staticApp();
    for (
      const name of ["page.html", "page.htm", "img.svg", "feed.xml", "code.js"]
    ) {
      const response = await call(app, `/media/${name}`);
      assert.equal(response.status, 200, name);
      assert.match(
        response.headers.get("content-disposition") ?? "",
        /^attachment; filename\*=UTF-8''/,
        name,
      );
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
      await response.body?.cancel();
    }
    const photo = await call(app, "/media/photo.png");
    assert.equal(photo.headers.get("content-disposition"), null);
    assert.equal(photo.headers.get("x-content-type-options"), "nosniff");
    await photo.body?.cancel();
    const page = await call(app, "/static/page.html");
    assert.equal(page.headers.get("content-disposition"), null);
    assert.match(page.headers.get("content-type") ?? "", /text\/html/);
    await page.body?.cancel();
  });
});
