/**
 * The server-wide budget of buffered request bodies
 * (`max_buffered_body_bytes`): a request whose body would go over it is
 * answered 503 with `Retry-After` instead of being buffered, so many slow
 * or large uploads at once cannot exhaust memory.
 *
 * @module
 */

/**
 * Bytes of request bodies held in memory at once.
 *
 * @example
 * ```ts
 * import { BodyBudget } from "./body_budget.ts";
 * const budget = new BodyBudget(100);
 * console.assert(budget.reserve(60) && !budget.reserve(60));
 * budget.release(60);
 * console.assert(budget.reserve(60));
 * ```
 */
export class BodyBudget {
  /** The most bytes held at once, or null for no limit. */
  readonly limit: number | null;
  #used = 0;

  /**
   * Creates a budget.
   *
   * @param limit the most bytes held at once, or null for no limit
   */
  constructor(limit: number | null) {
    this.limit = limit;
  }

  /** Bytes held now. */
  get used(): number {
    return this.#used;
  }

  /**
   * Takes `bytes` from the budget.
   *
   * @param bytes how many
   * @returns false (and takes nothing) when that would go over the limit
   */
  reserve(bytes: number): boolean {
    if (this.limit !== null && this.#used + bytes > this.limit) return false;
    this.#used += bytes;
    return true;
  }

  /**
   * Gives `bytes` back.
   *
   * @param bytes how many
   */
  release(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}
