/**
 * Node: a `node:http` ⇄ Fetch bridge that streams bodies both ways, keeps
 * every `Set-Cookie`, and cancels work when the client goes away; and
 * `node:sqlite` (Node >= 22.13).
 *
 * @module
 */

import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { openWith } from "./_database.ts";
import { connectNodeSqlite } from "./_node_sqlite.ts";
import { env, onShutdownSignal, unrefTimer } from "./_signals.ts";
import type { FetchHandler, Runtime, ServeOptions, Server } from "./runtime.ts";

const NO_BODY_METHODS = new Set(["GET", "HEAD"]);

/**
 * The path and query of a request-target (RFC 9112 §3.2), or null when the
 * target is neither origin-form nor absolute-form (`*`, `../x`): Deno and Bun
 * answer those with 400 themselves, so the bridge does too.
 */
function originForm(target: string): string | null {
  if (target.startsWith("/")) return target;
  if (/^https?:\/\//i.test(target)) {
    try {
      const url = new URL(target);
      return url.pathname + url.search;
    } catch {
      return null;
    }
  }
  return null;
}

function toFetchRequest(
  req: IncomingMessage,
  signal: AbortSignal,
): Request | null {
  const path = originForm(req.url ?? "");
  if (path === null) return null;
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    // Several Cookie fields are one list joined by "; " (RFC 6265 §5.4).
    if (raw[i].toLowerCase() === "cookie" && headers.has("cookie")) {
      headers.set("cookie", `${headers.get("cookie")}; ${raw[i + 1]}`);
    } else {
      headers.append(raw[i], raw[i + 1]);
    }
  }
  // The core reads the Host header; the URL's authority is only a fallback.
  const authority = /^[A-Za-z0-9.:[\]-]+$/.test(req.headers.host ?? "")
    ? req.headers.host
    : "host.invalid";
  const hasBody = !NO_BODY_METHODS.has(req.method ?? "GET")
    && (req.headers["transfer-encoding"] !== undefined
      || Number(req.headers["content-length"] ?? 0) > 0);
  // `duplex` is required by Fetch for a streamed body.
  const init: RequestInit & { duplex: "half" } = {
    method: req.method,
    headers,
    signal,
    body: hasBody ? Readable.toWeb(req) as ReadableStream : undefined,
    duplex: "half",
  };
  try {
    return new Request(`http://${authority}${path}`, init);
  } catch {
    return null;
  }
}

async function writeResponse(
  response: Response,
  res: ServerResponse,
): Promise<void> {
  const headers: string[] = [];
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") headers.push(name, value);
  }
  for (const cookie of response.headers.getSetCookie()) {
    headers.push("set-cookie", cookie);
  }
  res.writeHead(response.status, response.statusText, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel();
        return;
      }
      if (!res.write(value)) {
        await new Promise((resolve) => {
          res.once("drain", resolve);
          res.once("close", resolve);
        });
      }
    }
    res.end();
  } catch (error) {
    res.destroy(error instanceof Error ? error : undefined);
  }
}

async function serve(
  handler: FetchHandler,
  options: ServeOptions,
): Promise<Server> {
  const server = createServer(async (req, res) => {
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const request = toFetchRequest(req, controller.signal);
    if (!request) {
      res.writeHead(400, { connection: "close", "content-length": "0" }).end();
      return;
    }
    try {
      const response = await handler(request, {
        remoteAddress: req.socket.remoteAddress,
      });
      await writeResponse(response, res);
    } catch {
      if (!res.headersSent) res.writeHead(500, { "content-length": "0" });
      res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(
      {
        host: options.hostname,
        port: options.port,
        reusePort: options.reusePort,
      },
      () => resolve(),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://${options.hostname}:${port}/`),
    shutdown: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** The Node runtime. */
export const runtime: Runtime = {
  name: "node",
  serve,
  openDatabase: (path) =>
    openWith(
      path,
      (file) =>
        connectNodeSqlite(
          file,
          "SQLite needs node:sqlite: upgrade to Node >= 22.13",
        ),
    ),
  onShutdownSignal,
  env,
  unrefTimer,
};
