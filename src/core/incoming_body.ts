/**
 * A request's body as the pipeline reads it: from the Fetch `Request`
 * (Deno, Bun, `app.fetch`), or from a server's own source (Node, where
 * bridging `IncomingMessage` into a Fetch stream costs more than the rest of
 * a small POST).
 *
 * @module
 */

import type { BodySource } from "../runtime/runtime.ts";

/**
 * Whether a request has a body. On a socket the headers say so; reading
 * `Request.body` would make Deno build a stream (measured: 30% of a small
 * POST).
 *
 * @param raw the Fetch request
 * @param fromSocket whether a server received it
 * @returns true when there is a body to read or drop
 */
export function hasBody(raw: Request, fromSocket: boolean): boolean {
  if (!fromSocket) return raw.body !== null;
  const headers = raw.headers;
  return headers.has("transfer-encoding")
    || (headers.get("content-length") ?? "0") !== "0";
}

/**
 * The body of one request, read once.
 *
 * @example
 * ```ts
 * import { IncomingBody } from "./incoming_body.ts";
 * const body = new IncomingBody(
 *   new Request("http://localhost/", { method: "POST", body: "hi" }),
 * );
 * console.assert(new TextDecoder().decode(await body.bytes()) === "hi");
 * ```
 */
export class IncomingBody {
  /** The declared `Content-Length`, or NaN when there is none. */
  readonly declared: number;
  /** The request's headers. */
  readonly headers: Headers;
  /**
   * The body came from a socket, framed by its `Content-Length` (the server
   * never delivers more), so a declared length can be read in one call.
   */
  readonly framed: boolean;
  readonly #raw: Request;
  readonly #source: BodySource | undefined;

  /**
   * Wraps a request's body.
   *
   * @param raw the Fetch request
   * @param framed whether a server received it (framed by its length)
   * @param source the server's own body source, when it has one
   */
  constructor(raw: Request, framed = false, source?: BodySource) {
    this.#raw = raw;
    this.#source = source;
    this.framed = framed;
    this.headers = raw.headers;
    this.declared = Number(raw.headers.get("content-length") ?? NaN);
  }

  /**
   * The whole body in one read; only for a body the server frames by its
   * declared length (it never delivers more).
   *
   * @returns the bytes
   */
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#source) return await this.#source.bytes();
    return new Uint8Array(await this.#raw.arrayBuffer());
  }

  /**
   * The body as a stream (call once), or null when there is none.
   *
   * @returns the stream
   */
  stream(): ReadableStream<Uint8Array> | null {
    return this.#source ? this.#source.stream() : this.#raw.body;
  }

  /** Stops reading: what has not arrived is never buffered. */
  async cancel(): Promise<void> {
    if (this.#source) this.#source.discard();
    else await this.#raw.body?.cancel().catch(() => {});
  }
}
