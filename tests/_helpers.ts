// Shared test helpers: in-process requests, temporary folders, raw sockets.
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger, SpiderwebRouter } from "../mod.ts";

/** Sends a request to the app in-process. */
export function call(
  app: SpiderwebRouter,
  path: string,
  init: RequestInit & { host?: string } = {},
): Promise<Response> {
  const host = init.host ?? "app.example";
  return app.fetch(new Request(`http://${host}${path}`, init));
}

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "spiderweb-test-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A logger that records every line instead of printing. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (...data: unknown[]) => {
    lines.push(
      `${level} ${
        data.map((d) => d instanceof Error ? d.stack ?? d.message : String(d))
          .join(" ")
      }`,
    );
  };
  return {
    lines,
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
}

/**
 * Sends raw bytes to 127.0.0.1:port and resolves with the whole reply. With
 * `keepOpen`, the client does not half-close its side (some servers stop
 * reading a body once the client's FIN arrives); the server must close.
 */
export function rawRequest(
  port: number,
  bytes: string,
  keepOpen = false,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      if (keepOpen) socket.write(bytes);
      else socket.end(bytes);
    });
    let reply = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => {
      reply += chunk;
      if (keepOpen && isComplete(reply)) {
        socket.destroy();
        resolve(reply);
      }
    });
    socket.on("end", () => resolve(reply));
    socket.on("error", reject);
  });
}

// True once a reply with a Content-Length has all of its body.
function isComplete(reply: string): boolean {
  const end = reply.indexOf("\r\n\r\n");
  if (end === -1) return false;
  const length = /content-length:\s*(\d+)/i.exec(reply.slice(0, end));
  return length !== null && reply.length - end - 4 >= Number(length[1]);
}

/** The body of a raw HTTP/1.1 reply, with chunked framing removed. */
export function rawBody(reply: string): string {
  const [head, ...rest] = reply.split("\r\n\r\n");
  const body = rest.join("\r\n\r\n");
  if (!/transfer-encoding:\s*chunked/i.test(head)) return body;
  let out = "";
  let at = 0;
  while (at < body.length) {
    const eol = body.indexOf("\r\n", at);
    const size = parseInt(body.slice(at, eol), 16);
    if (!size) break;
    out += body.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
  return out;
}

/** The status code of a raw HTTP reply. */
export function rawStatus(reply: string): number {
  return Number(reply.split(" ")[1]);
}

/** A body stream without Content-Length: the in-process chunked body. */
export function streamOf(
  size: number,
  chunk = 64 * 1024,
): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(chunk, size - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(97));
    },
  });
}
