/**
 * `MediaFile`: an uploaded file (a Web `File`) that can save itself into
 * `media_dir` under a sanitised, never-overwriting name.
 *
 * @module
 */

import { type FileHandle, mkdir, open } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { ConfigError } from "../http/errors.ts";

const MAX_NAME_BYTES = 200;
const READ_CHUNK = 64 * 1024;

// Where a spooled upload's bytes are: a byte range of a temporary file.
interface DiskRange {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  // The runtime's lazily read Blob of the range, when it has one.
  readonly blob: Blob | null;
}

/**
 * Makes a `MediaFile` whose bytes stay in a temporary file (an upload larger
 * than `file_upload_max_memory_size`); set in a static block, so it is no
 * public API.
 */
export let mediaFileOnDisk: (
  path: string,
  size: number,
  blob: Blob | null,
  name: string,
  options: FilePropertyBag,
  mediaDir: string | null,
) => MediaFile;

/**
 * Writes all of `bytes` at the handle's position (a write may be partial).
 *
 * @param handle an open file
 * @param bytes what to write
 */
export async function writeAll(
  handle: FileHandle,
  bytes: Uint8Array,
): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    done += (await handle.write(bytes, done, bytes.length - done)).bytesWritten;
  }
}

// Reads `length` bytes at `position`, fewer only at the end of the file.
async function readAt(
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(
      bytes,
      done,
      length - done,
      position + done,
    );
    if (bytesRead === 0) return bytes.slice(0, done);
    done += bytesRead;
  }
  return bytes;
}

/**
 * A safe file name: the basename, NFC-normalised, `[A-Za-z0-9._-]` only,
 * no leading dots, at most 200 bytes, or `upload` if nothing is left.
 *
 * @example Sanitising a hostile name
 * ```ts
 * import { sanitizeFilename } from "./media_file.ts";
 * console.assert(sanitizeFilename("../../etc/passwd") === "passwd");
 * ```
 */
export function sanitizeFilename(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  let clean = base.normalize("NFC").replace(/[^A-Za-z0-9._-]/g, "_").replace(
    /^\.+/,
    "",
  );
  if (clean.length > MAX_NAME_BYTES) {
    const extension = extname(clean).slice(0, 20);
    clean = clean.slice(0, MAX_NAME_BYTES - extension.length) + extension;
  }
  return clean || "upload";
}

function randomLetters(count: number): string {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  return Array.from(bytes, (b) => letters[b % 52]).join("");
}

/**
 * An uploaded file in `request.FILES`. A file larger than
 * `file_upload_max_memory_size` stays in a temporary file, deleted when the
 * request ends, and reads the same way (`size`, `text()`, `bytes()`,
 * `arrayBuffer()`, `stream()`, `slice()`, `save()`). On Deno, pass such a
 * file on as `file.stream()` rather than as a `Blob` body.
 *
 * @example Saving an upload in a view
 * ```ts
 * import { MediaFile } from "../../mod.ts";
 * const file = new MediaFile(["hello"], "a.txt", { type: "text/plain" }, null);
 * console.assert(file.filename === "a.txt" && file.content_type === "text/plain");
 * ```
 */
export class MediaFile extends File {
  readonly #mediaDir: string | null;
  readonly #contentType: string | undefined;
  #disk: DiskRange | null = null;

  static {
    mediaFileOnDisk = (path, size, blob, name, options, mediaDir) => {
      const file = new MediaFile(blob ? [blob] : [], name, options, mediaDir);
      file.#disk = { path, start: 0, end: size, blob };
      return file;
    };
  }

  /**
   * Wraps file contents; the framework makes these for uploads.
   *
   * @param parts the contents
   * @param name the name the client sent
   * @param options the type and modification time
   * @param mediaDir where `save()` writes, or null without `media_dir`
   */
  constructor(
    parts: BlobPart[],
    name: string,
    options: FilePropertyBag,
    mediaDir: string | null,
  ) {
    super(parts, name, options);
    this.#mediaDir = mediaDir;
    // Bun's File adds `;charset=utf-8` to text types; keep the type as sent.
    this.#contentType = options.type;
  }

  /** The name the client sent. */
  get filename(): string {
    return this.name;
  }

  /** The type the client sent, exactly. */
  get content_type(): string {
    return this.#contentType ?? this.type;
  }

  /** The size in bytes. */
  override get size(): number {
    return this.#disk ? this.#disk.end - this.#disk.start : super.size;
  }

  /**
   * The contents.
   *
   * @returns the bytes
   */
  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    const disk = this.#disk;
    if (!disk) return new Uint8Array(await super.arrayBuffer());
    const handle = await open(disk.path, "r");
    try {
      return await readAt(handle, disk.start, disk.end - disk.start);
    } finally {
      await handle.close();
    }
  }

  /**
   * The contents.
   *
   * @returns the bytes
   */
  override async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  /**
   * The contents as UTF-8 text.
   *
   * @returns the text
   */
  override async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }

  /**
   * The contents as a stream, read from disk as it is consumed.
   *
   * @returns the stream
   */
  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    const disk = this.#disk;
    if (!disk) return super.stream();
    let handle: FileHandle | undefined;
    let position = disk.start;
    return new ReadableStream({
      async pull(controller) {
        handle ??= await open(disk.path, "r");
        const length = Math.min(READ_CHUNK, disk.end - position);
        const chunk = length > 0
          ? await readAt(handle, position, length)
          : null;
        if (!chunk?.length) {
          await handle.close();
          controller.close();
          return;
        }
        position += chunk.length;
        controller.enqueue(chunk);
      },
      async cancel() {
        await handle?.close();
      },
    });
  }

  /**
   * A part of the contents, as `Blob.slice` (offsets may be negative).
   *
   * @param start the first byte
   * @param end the byte after the last
   * @param contentType the type of the part
   * @returns the part
   */
  override slice(start?: number, end?: number, contentType?: string): Blob {
    const disk = this.#disk;
    // Not `super.slice(…)`: StrykerJS cannot place its mutants around it.
    if (!disk) return Blob.prototype.slice.call(this, start, end, contentType);
    const size = this.size;
    const clamp = (value: number | undefined, fallback: number) => {
      const at = Math.trunc(value ?? fallback);
      return at < 0 ? Math.max(size + at, 0) : Math.min(at, size);
    };
    const from = clamp(start, 0);
    const to = Math.max(clamp(end, size), from);
    const blob = disk.blob?.slice(from, to, contentType) ?? null;
    const part = new MediaFile(blob ? [blob] : [], this.name, {
      type: contentType ?? "",
    }, this.#mediaDir);
    part.#disk = {
      path: disk.path,
      start: disk.start + from,
      end: disk.start + to,
      blob,
    };
    return part;
  }

  /**
   * Writes the file under `media_dir` with a sanitised, unique name.
   *
   * @returns the path written
   */
  async save(): Promise<string> {
    if (!this.#mediaDir) {
      throw new ConfigError("MediaFile.save() needs the media_dir option");
    }
    const dir = resolve(this.#mediaDir);
    await mkdir(dir, { recursive: true });
    const clean = sanitizeFilename(this.name);
    const extension = extname(clean);
    const stem = clean.slice(0, clean.length - extension.length) || "upload";
    let candidate = clean;
    for (let attempt = 0;; attempt++) {
      const path = join(dir, candidate);
      try {
        const handle = await open(path, "wx");
        try {
          // Streamed, so a spooled upload is never read into memory whole.
          for await (const chunk of this.stream()) {
            await writeAll(handle, chunk);
          }
        } finally {
          await handle.close();
        }
        return path;
      } catch (error) {
        if ((error as { code?: string }).code !== "EEXIST" || attempt > 100) {
          throw error;
        }
        candidate = `${stem}_[${randomLetters(6)}]${extension}`;
      }
    }
  }
}
