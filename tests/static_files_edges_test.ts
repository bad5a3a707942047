// Static and media files at the edges mutation testing found: database and
// odd names, URL prefixes as users write them, the list-or-string setting,
// nested media folders, and the messages when nothing is served.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SpiderwebRouter } from "../mod.ts";
import { safeFilePath } from "../src/files/static_files.ts";
import { call, recordingLogger, tempDir } from "./_helpers.ts";

const temp = tempDir();
after(() => temp.cleanup());
const dir = join(temp.dir, "static");
mkdirSync(join(dir, "sub"), { recursive: true });
for (
  const name of [
    "x.txt",
    "x.db",
    "x.sqlite",
    "x.sqlite3",
    "x.db-wal",
    "x.sqlite-shm",
    "x.db-journal",
    "x.db.txt",
    "a\\b",
    "sub/y.txt",
  ]
) {
  writeFileSync(join(dir, name), name);
}

describe("safeFilePath", () => {
  it("refuses database files, backslashes and empty segments; serves look-alikes", async () => {
    for (
      const name of [
        "x.db",
        "x.sqlite",
        "x.sqlite3",
        "x.db-wal",
        "x.sqlite-shm",
        "x.db-journal",
        "a\\b",
        "sub//y.txt",
        "",
      ]
    ) {
      assert.equal(await safeFilePath([dir], name), null, name);
    }
    assert.equal(await safeFilePath([dir], "x.db.txt"), join(dir, "x.db.txt"));
    assert.equal(
      await safeFilePath([dir], "sub/y.txt"),
      join(dir, "sub", "y.txt"),
    );
  });
});

describe("file routes", () => {
  const get = async (app: SpiderwebRouter, path: string) => {
    const response = await call(app, path);
    return [response.status, await response.text()] as const;
  };

  it("URL prefixes are trimmed of slashes, never changed inside; routes are named", async () => {
    const media = join(temp.dir, "media");
    mkdirSync(media, { recursive: true });
    writeFileSync(join(media, "m.txt"), "media file");
    const app = new SpiderwebRouter({
      log: recordingLogger(),
      debug: true,
      staticfiles_dirs: dir,
      static_url: "//assets/v1//",
      media_dir: media,
      media_url: "//up/loads//",
    });
    assert.deepEqual(await get(app, "/assets/v1/x.txt"), [200, "x.txt"]);
    assert.deepEqual(await get(app, "/up/loads/m.txt"), [200, "media file"]);
    assert.equal(
      app.reverse("static", { filename: "x.txt" }),
      "/assets/v1/x.txt",
    );
    assert.equal(
      app.reverse("media", { filename: "m.txt" }),
      "/up/loads/m.txt",
    );
    const post = await call(app, "/assets/v1/x.txt", { method: "POST" });
    assert.equal(post.status, 405);
    const defaults = new SpiderwebRouter({
      log: recordingLogger(),
      debug: true,
      staticfiles_dirs: [dir],
      media_dir: media,
    });
    assert.deepEqual(await get(defaults, "/static/x.txt"), [200, "x.txt"]);
    assert.deepEqual(await get(defaults, "/media/m.txt"), [200, "media file"]);
  });

  it("staticfiles_dirs may be null; a nested media_dir is created and logged", () => {
    const log = recordingLogger();
    const media = join(temp.dir, "deep", "er", "media");
    new SpiderwebRouter({
      log,
      staticfiles_dirs: null as never,
      media_dir: media,
    });
    assert.ok(existsSync(media));
    assert.ok(log.lines.includes(`info Created media directory '${media}'.`));
  });

  it("says why nothing is served", () => {
    const log = recordingLogger();
    const missing = join(temp.dir, "nope");
    assert.throws(
      () => new SpiderwebRouter({ log, staticfiles_dirs: [missing] }),
      /does not exist/,
    );
    assert.ok(
      log.lines.includes(
        `error Static files directory '${missing}' does not exist.`,
      ),
    );
    const quiet = recordingLogger();
    new SpiderwebRouter({ log: quiet, media_dir: join(temp.dir, "media") });
    assert.ok(
      quiet.lines.includes(
        "warn `media_dir` is set, but `debug` is set to FALSE. Media files will not be served.",
      ),
    );
  });
});
