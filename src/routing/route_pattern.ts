/**
 * Route paths such as `/users/<int:id>` compiled once into anchored RegExps,
 * with the built-in converters and the types of the parameters they give.
 *
 * @module
 */

import { ConfigError, ParseError } from "../http/errors.ts";
import { matchSegments, type SegmentPart } from "./segment_match.ts";

/**
 * A path converter: `regex` matches one value, `toValue` converts it; a
 * value `toValue` rejects by throwing or returning `undefined` does not match.
 *
 * @example A converter for lowercase slugs
 * ```ts
 * import type { Converter } from "./route_pattern.ts";
 * class SlugConverter implements Converter<string> {
 *   regex = "[a-z0-9-]+";
 *   toValue(value: string) { return value; }
 * }
 * console.assert(new SlugConverter().toValue("a-b") === "a-b");
 * ```
 */
export interface Converter<T = unknown> {
  /** A regex source matching one value, without anchors or groups. */
  readonly regex: string;
  /**
   * Converts a matched value; throwing or returning `undefined` means no match.
   *
   * @param value the matched text
   * @returns the converted value
   */
  toValue(value: string): T;
}

/** A converter class, as given to `app.registerConverter`. */
export interface ConverterClass {
  /** Creates the converter. */
  new(): Converter;
  /** The name used in paths; else derived from the class name. */
  readonly converterName?: string;
}

class IntConverter implements Converter<number | undefined> {
  readonly regex = "\\d+";
  toValue(value: string): number | undefined {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : undefined;
  }
}

class StrConverter implements Converter<string> {
  readonly regex = "[^/]+";
  toValue(value: string): string {
    return value;
  }
}

class FloatConverter implements Converter<number | undefined> {
  readonly regex = "\\d+\\.\\d+";
  toValue(value: string): number | undefined {
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
}

class PathConverter implements Converter<string> {
  // Lazy and segment-wise, so `/<path:a>/<path:b>/end` cannot backtrack
  // exponentially (CVE-2024-45296).
  readonly regex = "[^/]+(?:/[^/]+)*?";
  toValue(value: string): string {
    return value;
  }
}

/** The built-in converters by name. */
export const BUILTIN_CONVERTERS: ReadonlyMap<string, Converter> = new Map<
  string,
  Converter
>([
  ["int", new IntConverter()],
  ["str", new StrConverter()],
  ["float", new FloatConverter()],
  ["path", new PathConverter()],
]);

/** The name a converter class registers under. */
export function converterName(cls: ConverterClass): string {
  return (cls.converterName ?? cls.name.toLowerCase().replace("converter", ""))
    .toLowerCase();
}

/** A compiled route path. */
export interface RoutePattern {
  /** The path as registered, with a leading `/`. */
  readonly path: string;
  /** Null for a path without variables (found by a map lookup). */
  readonly regex: RegExp | null;
  /** The variables in order, each with its converter. */
  readonly params: ReadonlyArray<{ name: string; converter: Converter }>;
  /** The first literal segment, used to bucket dynamic routes. */
  readonly firstSegment: string | null;
  /** The literal text after the last variable, checked before the regex. */
  readonly suffix: string;
  /** For several `<path>` parameters: matched by segments, not the regex. */
  readonly segments?: readonly SegmentPart[];
}

const VARIABLE = /^<(?:([^:<>]*):)?([^:<>]*)>$/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

// Segment parts when a pattern has more than one `<path>` parameter (the
// built-in one, or `.+`); undefined otherwise, and for other custom
// converters that span segments (their regexes are matched as written).
function segmentParts(
  segments: readonly string[],
  converters: ReadonlyMap<string, Converter>,
): SegmentPart[] | undefined {
  const parts: SegmentPart[] = [];
  let spanning = 0;
  for (const segment of segments) {
    const variable = VARIABLE.exec(segment);
    if (!variable) {
      parts.push({ kind: "literal", text: segment });
      continue;
    }
    const converter = converters.get((variable[1] ?? "str").toLowerCase())!;
    const regex = converter.regex;
    if (converter instanceof PathConverter || regex === ".+") {
      spanning++;
      parts.push({ kind: "many", lazy: converter instanceof PathConverter });
    } else if (new RegExp(`^(?:${regex})$`).test("a/b")) {
      return undefined;
    } else {
      parts.push({ kind: "one", regex: new RegExp(`^(?:${regex})$`) });
    }
  }
  return spanning > 1 ? parts : undefined;
}

/**
 * Compiles a route path once. Literal segments are regex-escaped; `<x>` is a
 * `str`; the converter name is case-insensitive.
 *
 * @param path the route path, e.g. `/user/<int:id>`
 * @param converters the converters known to the router
 * @returns the compiled pattern
 * @throws ParseError for an unknown converter, ConfigError for a bad name
 */
export function compileRoutePattern(
  path: string,
  converters: ReadonlyMap<string, Converter>,
): RoutePattern {
  if (!path.startsWith("/")) path = `/${path}`;
  const segments = path.split("/");
  const params: { name: string; converter: Converter }[] = [];
  const parts = segments.map((segment) => {
    const variable = VARIABLE.exec(segment);
    if (!variable) return escapeRegExp(segment);
    const type = (variable[1] ?? "str").toLowerCase();
    const name = variable[2];
    if (!IDENTIFIER.test(name) || name.includes("__")) {
      throw new ConfigError(
        `Invalid parameter name ${JSON.stringify(name)} in route '${path}'`,
      );
    }
    if (params.some((param) => param.name === name)) {
      throw new ConfigError(
        `Parameter '${name}' appears twice in route '${path}'`,
      );
    }
    const converter = converters.get(type);
    if (!converter) throw new ParseError(`Unknown converter ${type}`);
    params.push({ name, converter });
    return `(${converter.regex})`;
  });
  if (params.length === 0) {
    return {
      path,
      regex: null,
      params,
      firstSegment: segments[1] ?? "",
      suffix: path,
    };
  }
  const first = segments[1] ?? "";
  const lastVariable = segments.findLastIndex((s) => VARIABLE.test(s));
  const tail = segments.slice(lastVariable + 1);
  return {
    path,
    regex: new RegExp(`^${parts.join("/")}$`),
    params,
    firstSegment: VARIABLE.test(first) ? null : first,
    suffix: tail.length ? `/${tail.join("/")}` : "",
    segments: segmentParts(segments, converters),
  };
}

/**
 * Matches a decoded path against a compiled dynamic pattern.
 *
 * @returns the converted parameters, or null when the path does not match
 */
export function matchRoutePattern(
  pattern: RoutePattern,
  path: string,
): Record<string, unknown> | null {
  // A literal tail is checked first: it rejects most paths without running
  // the regex, and bounds backtracking between adjacent `path` variables.
  if (!path.endsWith(pattern.suffix)) return null;
  const raw = pattern.segments
    ? matchSegments(pattern.segments, path)
    : pattern.regex?.exec(path)?.slice(1);
  if (!raw) return null;
  const values: Record<string, unknown> = {};
  for (let i = 0; i < pattern.params.length; i++) {
    const { name, converter } = pattern.params[i];
    let value: unknown;
    try {
      value = converter.toValue(raw[i]);
    } catch {
      return null;
    }
    if (value === undefined) return null;
    values[name] = value;
  }
  return values;
}

/** The type a built-in converter gives: `int` and `float` numbers, `str` and `path` strings. */
export type ParamValue<C extends string> = Lowercase<C> extends "int" | "float"
  ? number
  : Lowercase<C> extends "str" | "path" ? string
  : unknown;

/** The parameter one `<converter:name>` (or `<name>`) segment declares. */
export type PathParam<Inner extends string> = Inner extends
  `${infer C}:${infer N}` ? { [K in N]: ParamValue<C> }
  : { [K in Inner]: string };

/**
 * The parameters a view receives for a path: `<int:id>` and `<float:x>` give
 * numbers, `<x>`, `<str:x>` and `<path:x>` strings, custom converters `unknown`.
 *
 * @example The parameters of a route
 * ```ts
 * import type { PathParams } from "./route_pattern.ts";
 * const params: PathParams<"/user/<int:id>/<slug>"> = { id: 1, slug: "a" };
 * console.assert(params.id === 1);
 * ```
 */
export type PathParams<Path extends string> = string extends Path
  ? Record<string, unknown>
  : Path extends `${string}<${infer Inner}>${infer Rest}` ? {
      [K in keyof PathParam<Inner> | keyof PathParams<Rest>]: K extends
        keyof PathParam<Inner> ? PathParam<Inner>[K]
        : PathParams<Rest>[K & keyof PathParams<Rest>];
    }
  : Record<never, never>;
