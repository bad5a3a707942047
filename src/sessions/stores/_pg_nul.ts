/**
 * PostgreSQL's `jsonb` cannot hold U+0000 or a lone surrogate, which session
 * data may contain (in keys or values). Strings are escaped on the way in
 * and unescaped on the way out, so data round-trips exactly: U+E000 is the
 * escape character; U+E000 U+E001 stands for itself, U+E000 U+E002 for
 * U+0000, and U+E000 U+E003 plus four hex digits for a lone surrogate.
 *
 * @module
 */

const ESC = "\ue000";

/**
 * A string with U+0000 (and the escape character) escaped.
 *
 * @param text any string
 * @returns the string jsonb can store
 */
export function escapeNul(text: string): string {
  if (!text.includes("\0") && !text.includes(ESC) && text.isWellFormed()) {
    return text;
  }
  return text.replaceAll(ESC, `${ESC}\ue001`).replaceAll("\0", `${ESC}\ue002`)
    .replace(
      /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      (c) => `${ESC}\ue003${c.charCodeAt(0).toString(16)}`,
    );
}

function unescapeNul(text: string): string {
  if (!text.includes(ESC)) return text;
  return text.replace(
    /\ue000(?:(\ue001)|(\ue002)|\ue003([0-9a-f]{4}))/g,
    (_, esc?: string, nul?: string, hex?: string) =>
      esc ? ESC : nul ? "\0" : String.fromCharCode(parseInt(hex!, 16)),
  );
}

function mapStrings(value: unknown, map: (text: string) => string): unknown {
  if (typeof value === "string") return map(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, map));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      Object.defineProperty(out, map(k), {
        value: mapStrings(v, map),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * JSON text as jsonb can store it (unchanged unless it holds U+0000 or the
 * escape character).
 *
 * @param json JSON text
 * @returns the JSON text to send
 */
export function toJsonb(json: string): string {
  if (!/\\u(0000|d[89a-f])|\ue000/i.test(json)) return json;
  return JSON.stringify(mapStrings(JSON.parse(json), escapeNul));
}

/**
 * Data read from jsonb, with the escapes undone.
 *
 * @param value the parsed data
 * @returns the data as it was written
 */
export function fromJsonb(value: unknown): unknown {
  return mapStrings(value, unescapeNul);
}

/**
 * Session data from a `session_data` column: the driver's parsed value (or
 * its text), with the escapes undone.
 *
 * @param value what the driver returned
 * @returns the data, or null when it is not a JSON object
 */
export function sessionDataFromJsonb(
  value: unknown,
): Record<string, unknown> | null {
  let data = value;
  if (typeof data === "string") {
    try {
      data = JSON.parse(data);
    } catch {
      return null;
    }
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    return null;
  }
  return fromJsonb(data) as Record<string, unknown>;
}
