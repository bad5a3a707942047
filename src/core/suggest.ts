/**
 * "Did you mean …?": the known name closest to a mistyped one, for errors
 * and warnings about settings and options.
 *
 * @module
 */

/**
 * The edit distance between two strings (Levenshtein: insertions,
 * deletions and substitutions).
 *
 * @param a one string
 * @param b the other
 * @returns how many single-character edits turn `a` into `b`
 */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known name a typo most likely meant.
 *
 * @example
 * ```ts
 * import { closestName } from "./suggest.ts";
 * console.assert(closestName("templates_dir", ["templates_dirs", "debug"]) === "templates_dirs");
 * console.assert(closestName("colour", ["debug"]) === undefined);
 * ```
 *
 * @param word the unknown name
 * @param known the names that exist
 * @returns the closest one within a third of its length (at least 2 edits), or undefined
 */
export function closestName(
  word: string,
  known: Iterable<string>,
): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const name of known) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * A sentence naming an unknown name and, when there is one, the closest
 * known one.
 *
 * @param what what the name is, e.g. `setting`
 * @param word the unknown name
 * @param known the names that exist
 * @returns e.g. `Unknown setting "debg"; did you mean "debug"?`
 */
export function unknownName(
  what: string,
  word: string,
  known: Iterable<string>,
): string {
  const near = closestName(word, known);
  return near === undefined
    ? `Unknown ${what} "${word}"`
    : `Unknown ${what} "${word}"; did you mean "${near}"?`;
}
