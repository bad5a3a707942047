/**
 * Buffers a request body up to `max_request_body_size` and parses forms.
 *
 * @module
 */

import {
  BadRequest,
  PayloadTooLarge,
  ServiceUnavailable,
} from "../http/status_errors.ts";
import { BodyBudget } from "./body_budget.ts";

const UNLIMITED = new BodyBudget(null);
import { MediaFile } from "./media_file.ts";
import { FileDict, QueryDict } from "../http/multi_dict.ts";
import type { SpiderwebRequest } from "./request.ts";

const FORM_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Reads the whole body, or throws `PayloadTooLarge` as soon as it exceeds
 * `limit`, whatever `Content-Length` claims (null: no limit).
 *
 * @param request the Fetch request
 * @param limit the most bytes to accept, or null
 * @param budget the server-wide budget of buffered bodies
 * @param held what this request holds of the budget (to give back later)
 * @returns the body's bytes
 * @throws PayloadTooLarge past the limit; BadRequest when the stream fails;
 *   ServiceUnavailable (with Retry-After) when the budget is spent
 */
export async function readBody(
  request: Request,
  limit: number | null,
  budget: BodyBudget = UNLIMITED,
  held: { bytes: number } = { bytes: 0 },
): Promise<Uint8Array<ArrayBuffer>> {
  if (!request.body) return new Uint8Array(0);
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (limit !== null && declared > limit) {
    await request.body.cancel().catch(() => {});
    throw new PayloadTooLarge();
  }
  const overBudget = async () => {
    await request.body?.cancel().catch(() => {});
    const error = new ServiceUnavailable(
      "Too many request bodies are being received; try again shortly",
    );
    error.headers["retry-after"] = "1";
    error.headers.connection = "close";
    return error;
  };
  // A declared length is reserved at once; a streamed body as it arrives.
  if (declared > 0) {
    if (!budget.reserve(declared)) throw await overBudget();
    held.bytes += declared;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
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
    if (done) break;
    size += value.byteLength;
    if (limit !== null && size > limit) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLarge();
    }
    if (size > held.bytes) {
      if (!budget.reserve(size - held.bytes)) throw await overBudget();
      held.bytes = size;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array<ArrayBuffer>;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * The `Content-Type` of each file part of a multipart body, in order, as
 * the client sent it (`""` when a part has none).
 *
 * @param body the buffered body
 * @param contentType the request's `Content-Type`, with the boundary
 * @returns one type per part that has a filename
 */
export function filePartTypes(body: Uint8Array, contentType: string): string[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) return [];
  const text = new TextDecoder("latin1").decode(body);
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const types: string[] = [];
  let at = text.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    const end = text.indexOf("\r\n\r\n", start);
    if (end === -1) break;
    const headers = text.slice(start, end);
    if (/^content-disposition:.*\bfilename\*?=/im.test(headers)) {
      types.push(/^content-type:[ \t]*(.*?)[ \t]*$/im.exec(headers)?.[1] ?? "");
    }
    at = text.indexOf(delimiter, end);
  }
  return types;
}

/** Fills `POST` and `FILES` from an urlencoded or multipart body. */
export async function parseForm(request: SpiderwebRequest): Promise<void> {
  if (!FORM_METHODS.has(request.method) || !request.isFormRequest()) return;
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("multipart/form-data")) {
    request.POST = new QueryDict(request.content);
    return;
  }
  let form: FormData;
  try {
    form = await new Response(request.body, {
      headers: { "content-type": type },
    }).formData();
  } catch (error) {
    throw new BadRequest(
      `Invalid multipart body: ${(error as Error).message}`,
    );
  }
  const fields = new QueryDict();
  const files: [string, MediaFile][] = [];
  const mediaDir = request.server.options.media_dir;
  // Some runtimes rewrite a part's type (Bun adds `;charset=utf-8` to text
  // types); a file keeps exactly what the client sent.
  const sentTypes = filePartTypes(request.body, type);
  for (const [name, value] of form) {
    if (typeof value === "string") {
      fields.append(name, value);
    } else {
      files.push([
        name,
        new MediaFile([value], value.name, {
          type: sentTypes.shift() || value.type,
          lastModified: value.lastModified,
        }, mediaDir ? String(mediaDir) : null),
      ]);
    }
  }
  request.POST = fields;
  request.FILES = new FileDict(files);
}
