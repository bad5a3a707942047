/**
 * Setting keys that come from outside (form fields, session data) as own
 * data properties, so a key such as `__proto__` stays plain data and never
 * changes an object's prototype.
 *
 * @module
 */

/**
 * Defines `key` on `target` as an own, enumerable, writable data property.
 *
 * @example A hostile key stays data
 * ```ts
 * import { setOwn } from "./own_data.ts";
 * const data: Record<string, unknown> = {};
 * setOwn(data, "__proto__", { isAdmin: true });
 * console.assert((data as { isAdmin?: boolean }).isAdmin === undefined);
 * ```
 */
export function setOwn(
  target: Record<string, unknown>,
  key: string,
  value: unknown,
): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
