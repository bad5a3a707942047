// Helpers for the session tests: an app on a temporary database, row access,
// cookie parsing, and a Database wrapper that counts SQL.
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  type Database,
  HttpResponse,
  SessionMiddleware,
  SpiderwebRouter,
  type SpiderwebRouterOptions,
} from "../../mod.ts";
import { recordingLogger, tempDir } from "../_helpers.ts";

/** An app with sessions on a fresh database file, and the usual views. */
export function sessionApp(options: SpiderwebRouterOptions = {}) {
  const { dir, cleanup } = tempDir();
  const log = recordingLogger();
  const app = new SpiderwebRouter({
    db: join(dir, "spiderweb.db"),
    middleware: [SessionMiddleware],
    log,
    ...options,
  });
  app.route("/", () => new HttpResponse("plain"));
  app.route("/read", (request) => ({ ...request.SESSION }));
  app.route("/write", (request) => {
    request.SESSION.val = request.GET.get("v") ?? "x";
    return { ...request.SESSION };
  });
  app.route("/set/<str:key>/<str:value>", (request, { key, value }) => {
    request.SESSION[key] = value;
    return { ...request.SESSION };
  });
  app.route("/counter", (request) => {
    request.SESSION.val = "val" in request.SESSION
      ? Number(request.SESSION.val) + 1
      : 0;
    return new HttpResponse(`Session value: ${request.SESSION.val}`);
  });
  app.route("/cycle", (request) => {
    request.cycleSessionKey();
    return { ...request.SESSION };
  });
  app.route("/flush", async (request) => {
    await request.flushSession();
    return { ...request.SESSION };
  });
  return {
    app,
    dir,
    log,
    async cleanup() {
      await app.close();
      cleanup();
    },
  };
}

/** Every session row as a plain object. */
export function rows(app: SpiderwebRouter): Record<string, unknown>[] {
  const table = app.db.prepare(
    "SELECT name FROM sqlite_master WHERE name = 'spiderweb_sessions'",
  ).get();
  if (!table) return [];
  return app.db.prepare("SELECT * FROM spiderweb_sessions").all().map((
    row,
  ) => ({ ...row }));
}

/** The hex SHA-256 of a key, computed independently of the framework. */
export function sha256(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** The Set-Cookie headers for `name` in a response. */
export function sessionCookies(
  response: Response,
  name = "swsession",
): string[] {
  return response.headers.getSetCookie().filter((c) =>
    c.startsWith(`${name}=`)
  );
}

/** The attributes of one Set-Cookie, lower-cased names. */
export function cookieAttributes(header: string): Map<string, string> {
  const [pair, ...parts] = header.split(";").map((p) => p.trim());
  const attributes = new Map<string, string>();
  attributes.set("$value", pair.slice(pair.indexOf("=") + 1));
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq === -1) attributes.set(part.toLowerCase(), "");
    else attributes.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
  }
  return attributes;
}

/** The session key a response set, or undefined. */
export function keyOf(response: Response): string | undefined {
  const header = sessionCookies(response)[0];
  const value = header && cookieAttributes(header).get("$value");
  return value || undefined;
}

/** A Database that counts every statement run through it. */
export function countingDatabase(
  db: () => Database,
): { db: () => Database; count: () => number } {
  let count = 0;
  const wrap = (): Database => {
    const inner = db();
    return {
      path: inner.path,
      exec(sql) {
        count++;
        inner.exec(sql);
      },
      prepare(sql) {
        const statement = inner.prepare(sql);
        return {
          run: (...p) => (count++, statement.run(...p)),
          get: (...p) => (count++, statement.get(...p)),
          all: (...p) => (count++, statement.all(...p)),
        };
      },
      transaction: (fn) => inner.transaction(fn),
      close: () => inner.close(),
    };
  };
  let wrapped: Database | undefined;
  return { db: () => (wrapped ??= wrap()), count: () => count };
}

/** Rewrites a session's timestamps (ms ago) to age it without sleeping. */
export function age(
  app: SpiderwebRouter,
  key: string,
  times: { created: number; active: number; expires: number },
): void {
  const now = Date.now();
  app.db.prepare(
    "UPDATE spiderweb_sessions SET created_at = ?, last_active = ?, expires_at = ? WHERE session_key_hash = ?",
  ).run(
    now - times.created,
    now - times.active,
    now + times.expires,
    sha256(key),
  );
}
