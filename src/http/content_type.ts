/**
 * What a request's `Content-Type` says about its body.
 *
 * @module
 */

/**
 * Whether a body is a form: urlencoded (including the original's
 * `application/x-url-encoded`) or multipart.
 *
 * @example
 * ```ts
 * import { isFormContentType } from "./content_type.ts";
 * console.assert(isFormContentType("multipart/form-data; boundary=x"));
 * console.assert(!isFormContentType("application/json"));
 * ```
 *
 * @param contentType the header, or null
 * @returns true for form bodies
 */
export function isFormContentType(contentType: string | null): boolean {
  const type = (contentType ?? "").toLowerCase();
  return type.startsWith("application/x-www-form-urlencoded")
    || type.startsWith("application/x-url-encoded")
    || type.startsWith("multipart/form-data");
}
