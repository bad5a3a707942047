/**
 * The routes of a router and how a path finds one: static paths by a map
 * lookup, dynamic ones bucketed by their first literal segment, so matching
 * cost does not grow with unrelated routes. Insertion order still wins.
 *
 * @module
 */

import { ConfigError } from "../http/errors.ts";
import { matchRoutePattern, type RoutePattern } from "./route_pattern.ts";

/** The matched route as views and middleware see it. */
export interface RouteInfo {
  /** The registered path, e.g. `/user/<int:id>`. */
  readonly path: string;
  /** The route's name, if any. */
  readonly name?: string;
  /** The methods the route accepts. */
  readonly allowed_methods: readonly string[];
  /** True when CSRF checks are skipped. */
  readonly csrf_exempt: boolean;
  /** The Standard Schema that validates the body, if any. */
  readonly schema?: unknown;
  /** The Standard Schema that validates the query string, if any. */
  readonly query_schema?: unknown;
}

/**
 * A registered route. The view's type is a parameter: routing knows paths,
 * not what a view is.
 */
export interface Route<V = unknown> extends RouteInfo {
  /** The compiled path. */
  readonly pattern: RoutePattern;
  /** The view (a `View` class is already turned into a function). */
  readonly view: V;
  /** The accepted methods, HEAD included when GET is. */
  readonly methods: ReadonlySet<string>;
  /** The `Allow` header value. */
  readonly allow: string;
  /** True when the view answers OPTIONS itself. */
  readonly handlesOptions: boolean;
  /** The registration order. */
  readonly index: number;
}

/** A match: the route and its converted parameters. */
export interface RouteMatch<V = unknown> {
  /** The route. */
  readonly route: Route<V>;
  /** The converted path values. */
  readonly params: Record<string, unknown>;
}

const NO_PARAMS: Record<string, unknown> = Object.freeze({}) as Record<
  string,
  unknown
>;

function firstSegment(path: string): string {
  const end = path.indexOf("/", 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}

// `/a/<int:x>` and `/a/<int:y>` match the same paths: one is a duplicate.
function shapeOf(path: string): string {
  return path.replace(
    /<(?:([^:<>]*):)?[^:<>]*>/g,
    (_, type) => `<${(type ?? "str").toLowerCase()}>`,
  );
}

/** The routes of one router. */
export class RouteTable<V = unknown> {
  readonly #all: Route<V>[] = [];
  readonly #shapes = new Set<string>();
  readonly #static = new Map<string, Route<V>>();
  readonly #dynamic = new Map<string, Route<V>[]>();
  readonly #wildcard: Route<V>[] = [];

  /** Every route in registration order. */
  get routes(): readonly Route<V>[] {
    return this.#all;
  }

  /** The number of routes, which is the next route's index. */
  get size(): number {
    return this.#all.length;
  }

  /** Adds a route; a path that duplicates another is a `ConfigError`. */
  add(route: Route<V>): void {
    const shape = shapeOf(route.pattern.path);
    if (this.#shapes.has(shape)) {
      throw new ConfigError(`Route '${route.pattern.path}' already exists.`);
    }
    this.#shapes.add(shape);
    this.#all.push(route);
    const { regex, firstSegment, path } = route.pattern;
    if (!regex) this.#static.set(path, route);
    else if (firstSegment === null) this.#wildcard.push(route);
    else {
      const bucket = this.#dynamic.get(firstSegment);
      if (bucket) bucket.push(route);
      else this.#dynamic.set(firstSegment, [route]);
    }
  }

  /** The first route, in registration order, that matches `path`. */
  match(path: string): RouteMatch<V> | null {
    const exact = this.#static.get(path);
    const limit = exact ? exact.index : Infinity;
    const bucket = this.#dynamic.get(firstSegment(path));
    if (bucket || this.#wildcard.length) {
      const found = this.#scan(path, bucket ?? [], limit);
      if (found) return found;
    }
    return exact ? { route: exact, params: NO_PARAMS } : null;
  }

  // Walks the bucket and the wildcard routes merged by index, up to `limit`.
  #scan(path: string, bucket: Route<V>[], limit: number): RouteMatch<V> | null {
    const wildcard = this.#wildcard;
    let i = 0;
    let j = 0;
    while (i < bucket.length || j < wildcard.length) {
      const route = j >= wildcard.length
          || (i < bucket.length && bucket[i].index < wildcard[j].index)
        ? bucket[i++]
        : wildcard[j++];
      if (route.index > limit) return null;
      const params = matchRoutePattern(route.pattern, path);
      if (params) return { route, params };
    }
    return null;
  }
}
