/**
 * The package version, kept in one place for `mod.ts` and the `web` command.
 *
 * @module
 */

/** The version of this package. */
export const VERSION = "0.1.0";

/** The name of this package (as `web version` prints it). */
export const PACKAGE_NAME = "@spiderweb/spiderweb";
