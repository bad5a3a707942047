/**
 * The multi-valued dictionaries behind `request.GET`, `request.POST` and
 * `request.FILES`.
 *
 * @module
 */

import { setOwn } from "./own_data.ts";

/**
 * A `URLSearchParams` whose `get()` returns the last value, as spiderweb's
 * `MultiDict` does; `getAll()` returns every value and `dict` maps each key
 * to its values.
 *
 * @example Reading a repeated query parameter
 * ```ts
 * import { QueryDict } from "./multi_dict.ts";
 * const query = new QueryDict("a=1&a=2");
 * console.assert(query.get("a") === "2");
 * console.assert(query.getAll("a").length === 2);
 * ```
 */
export class QueryDict extends URLSearchParams {
  /**
   * The last value for `name`, as spiderweb's `QueryDict.get`.
   *
   * @param name the key
   * @returns the last value, or null
   */
  override get(name: string): string | null {
    const values = this.getAll(name);
    return values.length ? values[values.length - 1] : null;
  }

  /** Each key mapped to all of its values. */
  get dict(): Record<string, string[]> {
    const dict: Record<string, string[]> = Object.create(null);
    for (const [key, value] of this) (dict[key] ??= []).push(value);
    return dict;
  }

  /**
   * Each key mapped to its last value, keys kept as plain data.
   *
   * @returns the values by key
   */
  lastValues(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const key of new Set(this.keys())) setOwn(values, key, this.get(key));
    return values;
  }

  /**
   * The JSON form, which is `dict`.
   *
   * @returns every key with all of its values
   */
  toJSON(): Record<string, string[]> {
    return this.dict;
  }
}

/**
 * An ordered, multi-valued map of uploaded files by field name.
 *
 * @example Reading uploads
 * ```ts
 * import { FileDict } from "./multi_dict.ts";
 * const files = new FileDict([["doc", new File(["x"], "a.txt")]]);
 * console.assert(files.get("doc")?.name === "a.txt");
 * ```
 */
export class FileDict<F extends File = File> {
  readonly #entries: [string, F][];

  /**
   * Creates the dictionary.
   *
   * @param entries field names and files, in order
   */
  constructor(entries: Iterable<[string, F]> = []) {
    this.#entries = [...entries];
  }

  /**
   * The last file for `name`.
   *
   * @param name the field name
   * @returns the file, or null
   */
  get(name: string): F | null {
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      if (this.#entries[i][0] === name) return this.#entries[i][1];
    }
    return null;
  }

  /**
   * Every file for `name`.
   *
   * @param name the field name
   * @returns the files, in order
   */
  getAll(name: string): F[] {
    return this.#entries.filter(([key]) => key === name).map(([, f]) => f);
  }

  /**
   * Whether a field was sent.
   *
   * @param name the field name
   * @returns true when it has a file
   */
  has(name: string): boolean {
    return this.#entries.some(([key]) => key === name);
  }

  /**
   * The field names, each once.
   *
   * @returns an iterator over the names
   */
  keys(): IterableIterator<string> {
    return new Set(this.#entries.map(([key]) => key)).values();
  }

  /**
   * Every field and file, in order.
   *
   * @returns an iterator over `[name, file]` pairs
   */
  entries(): IterableIterator<[string, F]> {
    return this.#entries.values();
  }

  /** The number of files. */
  get size(): number {
    return this.#entries.length;
  }

  /**
   * Every field and file, in order (as `entries()`).
   *
   * @returns an iterator over `[name, file]` pairs
   */
  [Symbol.iterator](): IterableIterator<[string, F]> {
    return this.entries();
  }
}
