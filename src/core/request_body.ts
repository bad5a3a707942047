/**
 * Buffers a request body up to `max_request_body_size` and parses forms.
 *
 * @module
 */

import {
  BadRequest,
  PayloadTooLarge,
  type ServiceUnavailable,
  unavailable,
} from "../http/status_errors.ts";
import { BodyBudget } from "./body_budget.ts";

import { QueryDict } from "../http/multi_dict.ts";
import type { IncomingBody } from "./incoming_body.ts";
import type { SpiderwebRequest } from "./request.ts";

const UNLIMITED = new BodyBudget(null);
const FORM_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** What a request may hold of memory while its body is read. */
export interface BodyLimits {
  /** The most bytes accepted (`max_request_body_size`), or null. */
  readonly limit: number | null;
  /** The server-wide budget of buffered bodies. */
  readonly budget: BodyBudget;
  /** What this request holds of the budget (given back when it ends). */
  readonly held: { bytes: number };
}

const NO_LIMITS: BodyLimits = {
  limit: null,
  budget: UNLIMITED,
  held: { bytes: 0 },
};

/**
 * The 503 for a request whose body would go over `max_buffered_body_bytes`.
 *
 * @returns the error, with `Retry-After` and `Connection: close`
 */
export function budgetSpent(): ServiceUnavailable {
  const error = unavailable(
    "Too many request bodies are being received; try again shortly",
    { retryAfter: 1 },
  );
  error.headers.connection = "close";
  return error;
}

/**
 * Reads a body chunk by chunk; a declared `Content-Length` over the limit
 * is refused unread.
 *
 * @param incoming the request's body
 * @param limits the size limit and the budget
 * @param onChunk takes each chunk, and may wait (back-pressure)
 * @param keptWhole the body is kept whole: its declared length is reserved
 *   from the budget at once, and each chunk as it arrives (else `onChunk`
 *   reserves what it keeps in memory)
 * @throws PayloadTooLarge past the limit; BadRequest when the stream fails;
 *   ServiceUnavailable (with Retry-After) when the budget is spent
 */
export async function streamBody(
  incoming: IncomingBody,
  limits: BodyLimits,
  onChunk: (chunk: Uint8Array<ArrayBuffer>) => void | Promise<void>,
  keptWhole = true,
): Promise<void> {
  const { limit, budget, held } = limits;
  const declared = incoming.declared;
  if (limit !== null && declared > limit) {
    await incoming.cancel();
    throw new PayloadTooLarge();
  }
  const overBudget = async () => {
    await incoming.cancel();
    return budgetSpent();
  };
  // A declared length is reserved at once; a streamed body as it arrives.
  let reserved = 0;
  if (keptWhole && declared > 0) {
    if (!budget.reserve(declared)) throw await overBudget();
    held.bytes += declared;
    reserved = declared;
  }
  const body = incoming.stream();
  if (!body) return;
  const reader = body.getReader();
  let size = 0;
  while (true) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away or sent a broken chunked encoding: its fault,
      // not the server's, so a 400 and nothing in the error log.
      throw new BadRequest("The request body could not be read");
    }
    const { done, value } = chunk;
    if (done) return;
    size += value.byteLength;
    if (limit !== null && size > limit) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLarge();
    }
    if (keptWhole && size > reserved) {
      if (!budget.reserve(size - reserved)) {
        await reader.cancel().catch(() => {});
        throw await overBudget();
      }
      held.bytes += size - reserved;
      reserved = size;
    }
    try {
      const waiting = onChunk(value as Uint8Array<ArrayBuffer>);
      if (waiting) await waiting;
    } catch (error) {
      await reader.cancel().catch(() => {});
      throw error;
    }
  }
}

/**
 * Reads the whole body, or throws `PayloadTooLarge` as soon as it exceeds
 * the limit, whatever `Content-Length` claims.
 *
 * @param incoming the request's body
 * @param limits the size limit and the budget
 * @returns the body's bytes
 * @throws as `streamBody`
 */
export async function readBody(
  incoming: IncomingBody,
  limits: BodyLimits = NO_LIMITS,
): Promise<Uint8Array<ArrayBuffer>> {
  const declared = incoming.declared;
  const { limit, budget, held } = limits;
  // A framed body of a declared length within the limit is read in one
  // native call, several times cheaper than a stream reader.
  if (
    incoming.framed && Number.isSafeInteger(declared) && declared >= 0
    && (limit === null || declared <= limit)
  ) {
    if (!budget.reserve(declared)) {
      await incoming.cancel();
      throw budgetSpent();
    }
    held.bytes += declared;
    try {
      return await incoming.bytes();
    } catch {
      throw new BadRequest("The request body could not be read");
    }
  }
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  await streamBody(incoming, limits, (chunk) => {
    chunks.push(chunk);
  });
  return concatBytes(chunks);
}

/**
 * The chunks joined into one array (the chunk itself when there is one).
 *
 * @param chunks the pieces
 * @returns the bytes
 */
export function concatBytes(
  chunks: readonly Uint8Array<ArrayBuffer>[],
): Uint8Array<ArrayBuffer> {
  if (chunks.length === 1) return chunks[0];
  let size = 0;
  for (const chunk of chunks) size += chunk.byteLength;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Whether a request's body is read as a stream of multipart parts.
 *
 * @param request the request
 * @returns true for a multipart form sent with POST, PUT, PATCH or DELETE
 */
export function isMultipartForm(request: SpiderwebRequest): boolean {
  return FORM_METHODS.has(request.method)
    && /^multipart\/form-data\b/i.test(
      request.headers.get("content-type") ?? "",
    );
}

/**
 * Fills `POST` from an urlencoded body (multipart bodies are parsed as
 * they arrive, by `readMultipartForm`).
 *
 * @param request the request, its body buffered
 */
export function parseForm(request: SpiderwebRequest): void {
  if (!FORM_METHODS.has(request.method) || !request.isFormRequest()) return;
  request.POST = new QueryDict(request.content);
}
