/**
 * `FileResponse`: a streamed file with Content-Type, Content-Length, ETag,
 * Last-Modified, conditional requests (304) and single ranges (206, 416).
 *
 * @module
 */

import { open, stat } from "node:fs/promises";
import { extname } from "node:path";
import { NotFound } from "../http/status_errors.ts";
import type { SpiderwebRequest } from "../core/request.ts";
import {
  HttpResponse,
  isInitObject,
  type ResponseBody,
  type ResponseInit,
} from "../core/response.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".htm": "text/html",
  ".css": "text/css",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".json": "application/json",
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".csv": "text/csv",
  ".xml": "application/xml",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".pdf": "application/pdf",
  ".zip": "application/zip",
  ".gz": "application/gzip",
  ".wasm": "application/wasm",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".mp3": "audio/mpeg",
  ".mp4": "video/mp4",
  ".webm": "video/webm",
};

/** The Content-Type for a file name; text types get `charset=utf-8`. */
export function contentTypeFor(filename: string): string {
  const type = TYPES[extname(filename).toLowerCase()];
  if (!type) return "application/octet-stream";
  return type.startsWith("text/") || type === "application/json"
      || type === "image/svg+xml" || type === "application/xml"
    ? `${type}; charset=utf-8`
    : type;
}

/** Options of `FileResponse`. */
export interface FileResponseInit extends ResponseInit {
  /** The file to send. */
  filename?: string;
}

const CHUNK = 64 * 1024;
// Up to this size a file is read at once: no handle outlives the request.
const READ_WHOLE = 1024 * 1024;

// Each chunk opens and closes the file, so a body that is never read to the
// end (a HEAD, an aborted client) leaves no file handle behind.
async function readChunk(path: string, position: number, size: number) {
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(size);
    const { bytesRead } = await handle.read(buffer, 0, size, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function fileBody(
  path: string,
  start: number,
  end: number,
): Promise<ResponseBody> {
  const length = end - start + 1;
  if (length <= READ_WHOLE) {
    return await readChunk(path, start, length) as Uint8Array<ArrayBuffer>;
  }
  let position = start;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const size = Math.min(CHUNK, end - position + 1);
      const chunk = size > 0 ? await readChunk(path, position, size) : null;
      if (!chunk?.byteLength) return controller.close();
      position += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

// RFC 9110 §13.1.2: a weak comparison ignores the W/ prefix (of the
// header's tags: the file's own tag is always strong).
function etagMatches(header: string, etag: string): boolean {
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === etag;
  });
}

/** A single satisfiable range, "unsatisfiable", or null (send everything). */
function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | "unsatisfiable" | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  // `end` is at most the last byte, so this also refuses a start past it.
  if (start > end) return "unsatisfiable";
  return { start, end };
}

/**
 * Streams a file.
 *
 * @example Sending a download
 * ```ts
 * import { FileResponse } from "../../mod.ts";
 * const response = new FileResponse("report.pdf");
 * console.assert(response.filename === "report.pdf");
 * ```
 */
export class FileResponse extends HttpResponse {
  /** The type comes from the file name, at render time. */
  static override contentType: string | null = null;
  /** The path of the file. */
  readonly filename: string;

  /**
   * Creates the response; the file is opened when it is rendered.
   *
   * @param filename the path, or `{ filename, status_code, headers }`
   * @param init the status and headers
   */
  constructor(filename: string | FileResponseInit, init: ResponseInit = {}) {
    if (typeof filename !== "string" && isInitObject(filename, "filename")) {
      init = filename;
      filename = (filename as FileResponseInit).filename!;
    }
    super(null, init);
    this.filename = filename as string;
  }

  /**
   * Stats the file and answers 200, 206, 304 or 416 (from `Range` and the
   * conditional headers); a missing file or a directory is 404.
   *
   * @param request the request, for its conditional and range headers
   * @returns a stream (or the bytes of a small file), or null without a body
   */
  override async render(
    request?: SpiderwebRequest,
  ): Promise<ResponseBody | null> {
    let info;
    try {
      info = await stat(this.filename);
    } catch {
      throw new NotFound();
    }
    if (!info.isFile()) throw new NotFound();
    const headers = this.headers;
    const mtime = Math.floor(info.mtimeMs);
    const etag = `"${info.size.toString(16)}-${mtime.toString(16)}"`;
    const lastModified = new Date(mtime).toUTCString();
    if (!headers.has("content-type")) {
      headers.set("content-type", contentTypeFor(this.filename));
    }
    headers.set("etag", etag);
    headers.set("last-modified", lastModified);
    headers.set("accept-ranges", "bytes");
    headers.set("x-content-type-options", "nosniff");
    const requestHeaders = request?.headers;
    const ifNoneMatch = requestHeaders?.get("if-none-match");
    const ifModifiedSince = requestHeaders?.get("if-modified-since");
    const notModified = ifNoneMatch
      ? etagMatches(ifNoneMatch, etag)
      : ifModifiedSince
      ? Date.parse(ifModifiedSince) >= Math.floor(mtime / 1000) * 1000
      : false;
    if (notModified && this.status_code === 200) {
      this.status_code = 304;
      headers.delete("content-type");
      return null;
    }
    let start = 0;
    let end = info.size - 1;
    const rangeHeader = requestHeaders?.get("range");
    const ifRange = requestHeaders?.get("if-range");
    const rangeApplies = rangeHeader && this.status_code === 200
      && (!ifRange || ifRange === etag || ifRange === lastModified);
    if (rangeApplies) {
      const range = parseRange(rangeHeader, info.size);
      if (range === "unsatisfiable") {
        this.status_code = 416;
        headers.set("content-range", `bytes */${info.size}`);
        headers.set("content-length", "0");
        return null;
      }
      if (range) {
        ({ start, end } = range);
        this.status_code = 206;
        headers.set("content-range", `bytes ${start}-${end}/${info.size}`);
      }
    }
    headers.set("content-length", String(Math.max(0, end - start + 1)));
    if (end < start) return new Uint8Array(0);
    return await fileBody(this.filename, start, end);
  }
}
