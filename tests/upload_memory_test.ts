// Many large uploads stalled at once cost disk, not memory: each file part
// past file_upload_max_memory_size is written to a temporary file as it
// arrives, so the server's RSS stays within max_buffered_body_bytes plus a
// constant, and no upload is refused for the budget.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { startServerProcess } from "./_child_app.ts";
import { tempDir } from "./_helpers.ts";

const MiB = 1024 * 1024;
const UPLOADS = 16;
const FILE_SIZE = 12 * MiB;
const temp = tempDir();
after(() => temp.cleanup());

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s*(\d+) kB/.exec(status)![1]) * 1024;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Sends everything but the closing boundary, and keeps the socket open.
function stalledUpload(
  port: number,
): { socket: Socket; reply: Promise<string> } {
  const head =
    "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"big.bin\""
    + "\r\nContent-Type: application/octet-stream\r\n\r\n";
  const tail = "\r\n--B--\r\n";
  const length = head.length + FILE_SIZE + tail.length;
  const socket = connect(port, "127.0.0.1");
  socket.write(
    `POST /up HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${length}\r\n`
      + "Content-Type: multipart/form-data; boundary=B\r\n\r\n" + head,
  );
  socket.write(new Uint8Array(FILE_SIZE).fill(97));
  let reply = "";
  socket.setEncoding("latin1");
  const done = new Promise<string>((resolve, reject) => {
    socket.on("data", (chunk) => {
      reply += chunk;
      if (/\{[^}]*\}/.test(reply)) resolve(reply);
    });
    socket.on(
      "error",
      (error) => reject(new Error(`${error}; reply: ${reply}`)),
    );
    socket.on("close", () => resolve(reply));
  });
  return { socket, reply: done };
}

describe("concurrent stalled uploads", () => {
  it("are spooled to disk: RSS grows by far less than the uploads in flight", async () => {
    const server = await startServerProcess(
      new URL("./testdata/upload_app.ts", import.meta.url),
      [temp.dir],
      true,
    );
    try {
      const port = Number(new URL(server.url).port);
      const pid = server.child.pid!;
      // Warm up (code paths compiled, buffers allocated) before measuring.
      const warm = stalledUpload(port);
      warm.socket.write("\r\n--B--\r\n");
      assert.match(await warm.reply, /"size":12582912/);
      warm.socket.destroy();
      const gc = async () =>
        void await (await fetch(new URL("/gc", server.url))).text();
      await gc();
      const before = rssOf(pid);
      const uploads = Array.from(
        { length: UPLOADS },
        () => stalledUpload(port),
      );
      const spooled = () =>
        readdirSync(temp.dir).map((name) =>
          statSync(join(temp.dir, name)).size
        );
      await until(
        () =>
          spooled().length === UPLOADS
          && spooled().every((size) => size >= FILE_SIZE - 128 * 1024),
        "every upload to reach the disk",
      );
      await gc();
      const grown = rssOf(pid) - before;
      // 192 MiB of uploads in flight. Kept in memory they would cost all of
      // it (measured: over 190 MiB even for half as much); spooled, RSS grew
      // 0-31 MiB on Node and Bun and 36-78 MiB on Deno (freed buffers the
      // allocator keeps, not uploads), whatever the size of the files.
      assert.ok(
        grown < UPLOADS * FILE_SIZE / 2,
        `RSS grew ${(grown / MiB).toFixed(1)} MiB`,
      );
      for (const { socket } of uploads) socket.write("\r\n--B--\r\n");
      for (const { socket, reply } of uploads) {
        const text = await reply;
        socket.destroy();
        assert.match(text, /^HTTP\/1\.1 200/);
        assert.match(text, /"size":12582912/);
      }
      assert.deepEqual(readdirSync(temp.dir), [], "temporary files deleted");
    } finally {
      await server.kill();
    }
  });
});
