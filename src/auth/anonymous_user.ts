/**
 * `AnonymousUser`: `request.user` when nobody is logged in.
 *
 * @module
 */

/**
 * The user of a request nobody is logged in to.
 *
 * @example Checking for a logged-in visitor
 * ```ts
 * import { AnonymousUser } from "../../mod.ts";
 * console.assert(new AnonymousUser().is_authenticated === false);
 * ```
 */
export class AnonymousUser {
  /** Always null. */
  readonly id: null = null;
  /** Always empty. */
  readonly username: string = "";
  /** Always false. */
  readonly is_authenticated: boolean = false;
  /** Always true. */
  readonly is_anonymous: boolean = true;
  /** Always false. */
  readonly is_active: boolean = false;
  /** Always false. */
  readonly is_staff: boolean = false;
  /** Always false. */
  readonly is_superuser: boolean = false;

  /**
   * The username, always empty.
   *
   * @returns `""`
   */
  getUsername(): string {
    return this.username;
  }

  /**
   * Anonymous visitors have no permissions.
   *
   * @param _codename the permission's codename
   * @returns false
   */
  hasPermission(_codename: string): boolean {
    return false;
  }

  /**
   * Anonymous users have no password.
   *
   * @param _raw the password
   * @returns a rejected promise
   */
  setPassword(_raw: string): Promise<void> {
    return Promise.reject(new Error("AnonymousUser has no password"));
  }

  /**
   * Anonymous users have no password.
   *
   * @param _raw the password
   * @returns a rejected promise
   */
  checkPassword(_raw: string): Promise<boolean> {
    return Promise.reject(new Error("AnonymousUser has no password"));
  }
}

/** The one shared anonymous user. */
export const ANONYMOUS_USER: AnonymousUser = Object.freeze(new AnonymousUser());
