/**
 * Buffers a request body up to `max_request_body_size` and parses forms.
 *
 * @module
 */

import { BadRequest, PayloadTooLarge } from "../http/status_errors.ts";
import { MediaFile } from "./media_file.ts";
import { FileDict, QueryDict } from "../http/multi_dict.ts";
import type { SpiderwebRequest } from "./request.ts";

const FORM_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Reads the whole body, or throws `PayloadTooLarge` as soon as it exceeds
 * `limit`, whatever `Content-Length` claims (null: no limit).
 */
export async function readBody(
  request: Request,
  limit: number | null,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!request.body) return new Uint8Array(0);
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (limit !== null && declared > limit) {
    await request.body.cancel().catch(() => {});
    throw new PayloadTooLarge();
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (limit !== null && size > limit) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLarge();
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
  for (const [name, value] of form) {
    if (typeof value === "string") {
      fields.append(name, value);
    } else {
      files.push([
        name,
        new MediaFile([value], value.name, {
          type: value.type,
          lastModified: value.lastModified,
        }, mediaDir ? String(mediaDir) : null),
      ]);
    }
  }
  request.POST = fields;
  request.FILES = new FileDict(files);
}
