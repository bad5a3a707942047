/**
 * A streaming `multipart/form-data` parser (RFC 7578, RFC 2046 §5.1): bytes
 * go in as they arrive, parts come out as a header event, data events and an
 * end event, so a large file part never has to be held in memory whole.
 *
 * @module
 */

import { BadRequest } from "./status_errors.ts";

/** What a part's headers say. */
export interface PartInfo {
  /** The form field name. */
  readonly name: string;
  /** The file name, or null for a plain field. */
  readonly filename: string | null;
  /** The part's `Content-Type` exactly as sent, or `""`. */
  readonly contentType: string;
}

/** Receives what the parser finds, in order. */
export interface PartSink {
  /** A part starts. */
  start(part: PartInfo): void;
  /** Some of the current part's bytes (a view, valid until the next push). */
  data(bytes: Uint8Array): void;
  /** The current part is complete. */
  end(): void;
}

const MAX_HEADER_BYTES = 16 * 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEADERS_END = encoder.encode("\r\n\r\n");

function invalid(why: string): BadRequest {
  return new BadRequest(`Invalid multipart body: ${why}`);
}

/**
 * The boundary of a `multipart/form-data` content type.
 *
 * @param contentType the request's `Content-Type`
 * @returns the boundary
 * @throws BadRequest when it is missing or not 1 to 70 characters
 */
export function multipartBoundary(contentType: string): string {
  const match = /;\s*boundary=(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2] ?? "";
  if (boundary.length < 1 || boundary.length > 70) {
    throw invalid("the boundary is missing or longer than 70 characters");
  }
  return boundary;
}

/**
 * The first index of `needle` in `haystack` at or after `from`, or -1.
 *
 * @param haystack the bytes searched
 * @param needle the bytes sought
 * @param from where to start
 * @returns the index, or -1
 */
export function indexOfBytes(
  haystack: Uint8Array,
  needle: Uint8Array,
  from = 0,
): number {
  const first = needle[0];
  for (
    let at = haystack.indexOf(first, from);
    at !== -1;
    at = haystack.indexOf(first, at + 1)
  ) {
    // Past the end, `undefined` never equals a byte: no match.
    let i = 1;
    while (i < needle.length && haystack[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
  }
  return -1;
}

// A parameter value: quoted (with `\"` and `\\` escapes) or a bare token.
// Browsers percent-encode `"`, CR and LF in names (the HTML standard), so
// those three are decoded; any other `%` is kept as sent.
function paramValue(quoted: string | undefined, bare: string | undefined) {
  // One of the two alternatives always matched.
  const value = quoted === undefined
    ? bare!.trim()
    : quoted.replace(/\\(["\\])/g, "$1");
  return value.replace(/%22/g, "\"").replace(/%0D/gi, "\r").replace(
    /%0A/gi,
    "\n",
  );
}

/**
 * Reads a part's header block.
 *
 * @param block the headers, as sent (UTF-8)
 * @returns the field name, file name and type
 * @throws BadRequest without `Content-Disposition: form-data; name=...`
 */
export function parsePartHeaders(block: string): PartInfo {
  let disposition: string | undefined;
  let contentType = "";
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-disposition") disposition = value;
    else if (name === "content-type") contentType = value;
  }
  if (!disposition || !/^form-data\s*(;|$)/i.test(disposition)) {
    throw invalid("a part has no Content-Disposition: form-data header");
  }
  const params = new Map<string, string>();
  const param = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const [, key, quoted, bare] of disposition.matchAll(param)) {
    const lower = key.toLowerCase();
    if (!params.has(lower)) params.set(lower, paramValue(quoted, bare));
  }
  const name = params.get("name");
  if (name === undefined) throw invalid("a part has no name");
  let filename = params.get("filename") ?? null;
  const extended = /^utf-8'[^']*'(.*)$/i.exec(params.get("filename*") ?? "");
  if (extended) {
    try {
      filename = decodeURIComponent(extended[1]);
    } catch {
      throw invalid("a part's filename* is not valid percent-encoded UTF-8");
    }
  }
  return { name, filename, contentType };
}

/**
 * Splits a multipart body into parts as its bytes arrive.
 *
 * @example Parsing a body in two pieces
 * ```ts
 * import { MultipartParser } from "./multipart_parser.ts";
 * const names: string[] = [];
 * const parser = new MultipartParser("b", {
 *   start: (part) => names.push(part.name),
 *   data: () => {},
 *   end: () => {},
 * });
 * const bytes = new TextEncoder().encode(
 *   '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n',
 * );
 * parser.push(bytes.subarray(0, 20));
 * parser.push(bytes.subarray(20));
 * parser.finish();
 * console.assert(names[0] === "a");
 * ```
 */
export class MultipartParser {
  readonly #delimiter: Uint8Array;
  readonly #sink: PartSink;
  // The body is read as if it began with CRLF, so the first boundary is
  // found by the same search as every later one.
  #pending: Uint8Array = encoder.encode("\r\n");
  #state: "preamble" | "after" | "headers" | "body" | "done" = "preamble";

  /**
   * Creates a parser.
   *
   * @param boundary the boundary from the content type
   * @param sink what receives the parts
   */
  constructor(boundary: string, sink: PartSink) {
    this.#delimiter = encoder.encode(`\r\n--${boundary}`);
    this.#sink = sink;
  }

  /**
   * Takes the next bytes of the body.
   *
   * @param chunk the bytes
   * @throws BadRequest when the body is malformed
   */
  push(chunk: Uint8Array): void {
    if (this.#state === "done") return; // the epilogue is ignored
    let buffer = chunk;
    if (this.#pending.length) {
      buffer = new Uint8Array(this.#pending.length + chunk.length);
      buffer.set(this.#pending);
      buffer.set(chunk, this.#pending.length);
    }
    let at = 0;
    while (at < buffer.length) {
      const next = this.#step(buffer, at);
      if (next === -1) break;
      at = next;
    }
    this.#pending = buffer.slice(at);
  }

  /**
   * Ends the body.
   *
   * @throws BadRequest when the closing boundary never came
   */
  finish(): void {
    if (this.#state !== "done") {
      throw invalid("the body ended before the closing boundary");
    }
  }

  // One step from `at`: the index after what was consumed, or -1 when more
  // bytes are needed.
  #step(buffer: Uint8Array, at: number): number {
    const delimiter = this.#delimiter;
    if (this.#state === "preamble" || this.#state === "body") {
      const found = indexOfBytes(buffer, delimiter, at);
      const inBody = this.#state === "body";
      if (found === -1) {
        // Keep what could be the start of a delimiter cut by the chunk.
        const safe = buffer.length - delimiter.length + 1;
        if (safe <= at) return -1;
        if (inBody) this.#sink.data(buffer.subarray(at, safe));
        return safe;
      }
      if (inBody) {
        if (found > at) this.#sink.data(buffer.subarray(at, found));
        this.#sink.end();
      }
      this.#state = "after";
      return found + delimiter.length;
    }
    if (this.#state === "after") {
      // `--` closes the body; else optional blanks, then CRLF (left for the
      // header search, so that a part without headers is one case).
      if (buffer[at] === 0x2d && buffer[at + 1] === 0x2d) {
        this.#state = "done";
        return buffer.length;
      }
      let i = at;
      while (buffer[i] === 0x20 || buffer[i] === 0x09) i++;
      if (i - at > 256) throw invalid("too much space after a boundary");
      if (i + 1 >= buffer.length) return -1;
      if (buffer[i] !== 0x0d || buffer[i + 1] !== 0x0a) {
        throw invalid("a boundary is followed by something else");
      }
      this.#state = "headers";
      return i;
    }
    // Headers: from that CRLF to the blank line.
    const end = indexOfBytes(buffer, HEADERS_END, at);
    if ((end === -1 ? buffer.length : end) - at > MAX_HEADER_BYTES) {
      throw invalid("a part's headers are too large");
    }
    if (end === -1) return -1;
    const block = decoder.decode(buffer.subarray(at + 2, end));
    this.#sink.start(parsePartHeaders(block));
    this.#state = "body";
    return end + 4;
  }
}
