/**
 * Matching by segments, for patterns with more than one `<path:…>`
 * parameter: their regex backtracks quadratically on a long path that does
 * not match (0.5 s for 64 KB); this matcher is linear in the number of
 * segments and picks the same split as the regex.
 *
 * @module
 */

/** One segment of a pattern. */
export type SegmentPart =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "one"; readonly regex: RegExp }
  | {
    readonly kind: "many";
    /**
     * The built-in `path` converter (`[^/]+(?:/[^/]+)*?`): non-empty
     * segments, as few as the rest allows. Otherwise `.+`: any non-empty
     * text, as much as the rest allows.
     */
    readonly lazy: boolean;
  };

// For `many` parts: may segments j..k-1 form the value?
function spanOk(
  lazy: boolean,
  segments: readonly string[],
  j: number,
  k: number,
): boolean {
  if (!lazy) return k - j > 1 || segments[j] !== "";
  for (let m = j; m < k; m++) if (segments[m] === "") return false;
  return true;
}

/**
 * The raw values of a path's parameters, or null when it does not match.
 *
 * @example
 * ```ts
 * import { matchSegments } from "./segment_match.ts";
 * const parts = [
 *   { kind: "literal", text: "" },
 *   { kind: "many", lazy: true },
 *   { kind: "many", lazy: true },
 *   { kind: "literal", text: "end" },
 * ] as const;
 * console.assert(matchSegments(parts, "/a/b/c/end")?.join("|") === "a|b/c");
 * ```
 *
 * @param parts the pattern, one part per `/`-separated segment
 * @param path the decoded path
 * @returns the values of the `one` and `many` parts, in order
 */
export function matchSegments(
  parts: readonly SegmentPart[],
  path: string,
): string[] | null {
  const segments = path.split("/");
  const count = segments.length;
  // ok[i][j]: parts i.. match segments j.. (filled from the end).
  const ok: Uint8Array[] = [];
  for (let i = 0; i <= parts.length; i++) ok.push(new Uint8Array(count + 1));
  ok[parts.length][count] = 1;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i];
    const next = ok[i + 1];
    const row = ok[i];
    if (part.kind === "many") {
      // fits: some k >= j + 2 with next[k] whose span j..k-1 may form the
      // value (for the lazy built-in form: no empty segment in it).
      let fits = 0;
      for (let j = count - 1; j >= 0; j--) {
        const empty = segments[j] === "";
        if (part.lazy) {
          const following = segments[j + 1];
          fits = following ? fits | next[j + 2] : 0;
          row[j] = !empty && (next[j + 1] || fits) ? 1 : 0;
        } else {
          fits |= next[j + 2] | 0;
          row[j] = (next[j + 1] && !empty) || fits ? 1 : 0;
        }
      }
      continue;
    }
    for (let j = 0; j < count; j++) {
      if (!next[j + 1]) continue;
      const segment = segments[j];
      const fits = part.kind === "literal"
        ? segment === part.text
        : (part.regex.lastIndex = 0, part.regex.test(segment));
      if (fits) row[j] = 1;
    }
  }
  if (!ok[0][0]) return null;
  const values: string[] = [];
  let j = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (part.kind === "many") {
      const next = ok[i + 1];
      let k: number;
      if (part.lazy) {
        // As few segments as the rest allows (the lazy regex's choice).
        k = j + 1;
        while (!next[k]) k++;
      } else {
        // As many as the rest allows (the greedy regex's choice).
        k = count;
        while (!(next[k] && spanOk(false, segments, j, k))) k--;
      }
      values.push(segments.slice(j, k).join("/"));
      j = k;
    } else {
      if (part.kind === "one") values.push(segments[j]);
      j++;
    }
  }
  return values;
}
