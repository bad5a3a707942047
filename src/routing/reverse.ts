/**
 * `reverse()`: the URL of a named route, with its values URL-encoded and the
 * query built by `URLSearchParams`, raising the original's errors.
 *
 * @module
 */

import { ReverseNotFound, SpiderwebException } from "../http/errors.ts";
import type { Route } from "./route_table.ts";

/**
 * The URL of the first route named `name`.
 *
 * @example Reversing a typed route
 * ```ts
 * import { SpiderwebRouter } from "../../mod.ts";
 * const app = new SpiderwebRouter();
 * app.route("/user/<int:id>", () => ({}), { name: "user" });
 * console.assert(app.reverse("user", { id: 3 }, { tab: "a b" }) === "/user/3?tab=a+b");
 * ```
 *
 * @param routes the routes, in registration order
 * @param name the route's name
 * @param data the path values; `path` values are encoded per segment
 * @param query appended through `URLSearchParams`; arrays repeat the key
 * @returns the path, with `?query` when the query is not empty
 * @throws ReverseNotFound for an unknown name; SpiderwebException for missing values
 */
export function reverseRoute(
  routes: readonly Route[],
  name: string,
  data: Record<string, unknown>,
  query: Record<string, unknown>,
): string {
  const route = routes.find((r) => r.name === name);
  if (!route) throw new ReverseNotFound(`View '${name}' not found.`);
  const { params } = route.pattern;
  const missing = params.filter((p) => !(p.name in data)).map((p) => p.name);
  if (missing.length && missing.length === params.length && params.length > 1) {
    throw new SpiderwebException(
      `Missing arguments for reverse: [${
        missing.map((m) => `'${m}'`).join(", ")
      }]`,
    );
  }
  if (missing.length) {
    throw new SpiderwebException(
      `Missing argument '${missing[0]}' for reverse.`,
    );
  }
  const path = route.path.replace(
    /<(?:([^:<>]*):)?([^:<>]*)>/g,
    (_, type: string | undefined, key: string) => {
      const value = String(data[key]);
      return type?.toLowerCase() === "path"
        ? value.split("/").map(encodeURIComponent).join("/")
        : encodeURIComponent(value);
    },
  );
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      search.append(key, String(item));
    }
  }
  const queryString = search.toString();
  return queryString ? `${path}?${queryString}` : path;
}
