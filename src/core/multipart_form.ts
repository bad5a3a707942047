/**
 * Reads a `multipart/form-data` body as it arrives: fields and small files
 * stay in memory, and a file part that grows past
 * `file_upload_max_memory_size` goes to a temporary file instead (as
 * Django's `TemporaryUploadedFile`), so uploads never have to fit in memory.
 *
 * @module
 */

import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FileHandle, open, rm } from "node:fs/promises";
import { FileDict, QueryDict } from "../http/multi_dict.ts";
import {
  multipartBoundary,
  MultipartParser,
  type PartInfo,
} from "../http/multipart_parser.ts";
import { SpiderwebNetworkException } from "../http/network_errors.ts";
import { type ServiceUnavailable, unavailable } from "../http/status_errors.ts";
import { runtime } from "../runtime/load.ts";
import type { IncomingBody } from "./incoming_body.ts";
import { MediaFile, mediaFileOnDisk, writeAll } from "./media_file.ts";
import {
  type BodyLimits,
  budgetSpent,
  concatBytes,
  streamBody,
} from "./request_body.ts";

/** How uploads are kept. */
export interface UploadSettings {
  /** A file part larger than this many bytes is spooled to disk. */
  readonly memoryLimit: number;
  /** Where spooled files go; null for the system's temporary folder. */
  readonly tempDir: string | null;
  /** Where `MediaFile.save()` writes, or null. */
  readonly mediaDir: string | null;
}

/** A parsed multipart body. */
export interface MultipartForm {
  /** The text fields. */
  readonly fields: QueryDict;
  /** The files. */
  readonly files: FileDict<MediaFile>;
  /**
   * The raw body, kept only while it is no larger than the memory limit
   * (null past it: `request.body` is then unavailable, as in Django).
   */
  readonly raw: Uint8Array<ArrayBuffer> | null;
}

// The part being read: in memory, or (past the limit) in a temporary file.
interface OpenPart {
  readonly info: PartInfo;
  chunks: Uint8Array<ArrayBuffer>[];
  size: number;
  spool: { path: string; handle: FileHandle } | null;
}

type PartEvent =
  | { kind: "start"; info: PartInfo }
  | { kind: "data"; bytes: Uint8Array<ArrayBuffer> }
  | { kind: "end" };

const decoder = new TextDecoder();

function spoolFailed(error: unknown): ServiceUnavailable {
  return unavailable("The upload could not be stored; try again shortly", {
    retryAfter: 1,
    cause: error,
  });
}

/**
 * Reads and parses a multipart body.
 *
 * @param incoming the request's body
 * @param limits the size limit and the buffered-body budget
 * @param uploads the memory limit and the folders
 * @param temporaryFiles gets the path of every spooled file; the caller
 *   deletes them when the request ends, whatever happens
 * @returns the fields, the files and (when small) the raw body
 * @throws BadRequest for a malformed body; PayloadTooLarge past the limit;
 *   ServiceUnavailable when the budget is spent or a file cannot be written
 */
export async function readMultipartForm(
  incoming: IncomingBody,
  limits: BodyLimits,
  uploads: UploadSettings,
  temporaryFiles: string[],
): Promise<MultipartForm> {
  const fields = new QueryDict();
  const files: [string, MediaFile][] = [];
  // The raw body is kept (for `request.body`) only while it is small; a
  // declared length past the limit means it never will be.
  const declared = incoming.declared;
  let raw: Uint8Array<ArrayBuffer>[] | null = declared > uploads.memoryLimit
    ? null
    : [];
  let rawSize = 0;
  let part: OpenPart | null = null;
  // The parser is synchronous; its events are handled after each chunk,
  // where writing to disk can be awaited.
  const events: PartEvent[] = [];
  const parser = new MultipartParser(
    // isMultipartForm() let only multipart content types through.
    multipartBoundary(incoming.headers.get("content-type")!),
    {
      start: (info) => events.push({ kind: "start", info }),
      data: (bytes) =>
        events.push({ kind: "data", bytes: bytes as Uint8Array<ArrayBuffer> }),
      end: () => events.push({ kind: "end" }),
    },
  );
  // What stays in memory (fields, small files) counts against the budget
  // of buffered bodies; what goes to disk does not.
  const buffer = (bytes: number) => {
    if (!limits.budget.reserve(bytes)) return false;
    limits.held.bytes += bytes;
    return true;
  };
  const unbuffer = (bytes: number) => {
    limits.budget.release(bytes);
    limits.held.bytes -= bytes;
  };
  const spool = (open: OpenPart, bytes: Uint8Array) =>
    writeAll(open.spool!.handle, bytes);
  const handle = async (event: PartEvent) => {
    if (event.kind === "start") {
      part = { info: event.info, chunks: [], size: 0, spool: null };
      return;
    }
    const open = part!;
    if (event.kind === "end") {
      part = null;
      files.push(...await finishPart(open, fields, uploads.mediaDir));
      return;
    }
    open.size += event.bytes.length;
    if (open.spool) return spool(open, event.bytes);
    const isFile = open.info.filename !== null;
    // A file goes to disk past the memory limit, or sooner when the
    // budget is spent (only a text field is refused then).
    if (
      isFile && open.size > uploads.memoryLimit || !buffer(event.bytes.length)
    ) {
      if (!isFile) throw budgetSpent();
      open.spool = await createSpool(uploads.tempDir, temporaryFiles);
      const held = concatBytes(open.chunks);
      open.chunks = [];
      unbuffer(held.length);
      await spool(open, held);
      return spool(open, event.bytes);
    }
    open.chunks.push(event.bytes);
  };
  try {
    await streamBody(incoming, limits, async (chunk) => {
      if (raw && rawSize + chunk.length <= uploads.memoryLimit) {
        if (!buffer(chunk.length)) throw budgetSpent();
        raw.push(chunk);
        rawSize += chunk.length;
      } else if (raw) {
        unbuffer(rawSize);
        raw = null;
      }
      parser.push(chunk);
      try {
        for (const event of events.splice(0)) await handle(event);
      } catch (error) {
        // A malformed body or a spent budget as they are; a file system
        // failure (full disk, missing folder) is the server's: 503.
        throw error instanceof SpiderwebNetworkException
          ? error
          : spoolFailed(error);
      }
    }, false);
    parser.finish();
  } finally {
    const open = part as OpenPart | null;
    await open?.spool?.handle.close().catch(() => {});
  }
  return {
    fields,
    files: new FileDict(files),
    raw: raw ? concatBytes(raw) : null,
  };
}

// A complete part becomes a field, an in-memory file or a file on disk.
async function finishPart(
  part: OpenPart,
  fields: QueryDict,
  mediaDir: string | null,
): Promise<[string, MediaFile][]> {
  const { name, filename, contentType } = part.info;
  if (filename === null) {
    fields.append(name, decoder.decode(concatBytes(part.chunks)));
    return [];
  }
  const options = { type: contentType };
  if (!part.spool) {
    return [[name, new MediaFile(part.chunks, filename, options, mediaDir)]];
  }
  await part.spool.handle.close();
  const { path } = part.spool;
  const blob = await runtime.fileBlob(path).catch(() => null);
  return [[
    name,
    mediaFileOnDisk(path, part.size, blob, filename, options, mediaDir),
  ]];
}

// A new temporary file, readable by this user only, recorded for deletion.
async function createSpool(
  tempDir: string | null,
  temporaryFiles: string[],
): Promise<{ path: string; handle: FileHandle }> {
  const name = `spiderweb-upload-${crypto.randomUUID()}.part`;
  const path = join(tempDir ?? tmpdir(), name);
  const handle = await open(path, "wx", 0o600);
  temporaryFiles.push(path);
  return { path, handle };
}

/**
 * Deletes the temporary files of a request.
 *
 * @param paths the files
 * @param onError told of a file that could not be deleted
 */
export async function removeTemporaryFiles(
  paths: readonly string[],
  onError: (path: string, error: unknown) => void,
): Promise<void> {
  for (const path of paths) {
    await rm(path, { force: true }).catch((error) => onError(path, error));
  }
}
