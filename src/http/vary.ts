/**
 * `Vary`: adding a request header that a response depends on, once.
 *
 * @module
 */

/**
 * Adds `name` to the `Vary` header unless it (or `*`) is already there.
 *
 * @example
 * ```ts
 * import { addVary } from "./vary.ts";
 * const headers = new Headers({ vary: "Origin" });
 * addVary(headers, "Cookie");
 * addVary(headers, "cookie");
 * console.assert(headers.get("vary") === "Origin, Cookie");
 * ```
 *
 * @param headers the response headers
 * @param name the request header the response varies on
 */
export function addVary(headers: Headers, name: string): void {
  const vary = headers.get("vary");
  if (vary) {
    const wanted = name.toLowerCase();
    for (const part of vary.split(",")) {
      const value = part.trim().toLowerCase();
      if (value === wanted || value === "*") return;
    }
  }
  headers.set("vary", vary ? `${vary}, ${name}` : name);
}
