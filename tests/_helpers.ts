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

/** Sends raw bytes to 127.0.0.1:port and resolves with the whole reply. */
export function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(bytes));
    let reply = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => (reply += chunk));
    socket.on("end", () => resolve(reply));
    socket.on("error", reject);
  });
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
