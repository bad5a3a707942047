/**
 * The `web` command: `routes`, `check`, `clearsessions`, `createuser`,
 * `serve`, `new`, `version`, and the app's own commands.
 *
 * ```sh
 * deno run -A jsr:@spiderweb/spiderweb/cli routes --app ./app.ts
 * bun node_modules/@spiderweb/spiderweb/src/cli/main.ts routes
 * node node_modules/@spiderweb/spiderweb/src/cli/main.ts routes
 * ```
 *
 * @module
 */

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { findAppReference, loadApp } from "./cli_app.ts";
import { StartupErrors } from "../http/errors.ts";
import { detectRuntime } from "../runtime/load.ts";
import { host, type ProcessHost } from "../runtime/cli_host.ts";

export type { ProcessHost };
import type { SpiderwebRouter } from "../router.ts";
import { createUser } from "../auth/users.ts";
import { PACKAGE_NAME, VERSION } from "../core/version.ts";

const HELP = `Usage: web [--app <module>[:<export>]] <command> [options]

Commands:
  routes                 List the routes (path, methods, name, view)
  check                  Run the startup checks
  clearsessions          Delete expired sessions
  createuser             Create a user [--username U] [--email E] [--staff] [--superuser]
  serve                  Serve the app [--addr A] [--port P] [--workers N]
  new [NAME|.]           Create a new app in NAME (or here)
  version                Print the version

The app is found by --app, the SPIDERWEB_APP variable, or a "spiderweb": {"app": "./app.ts:app"}
field in the nearest deno.json or package.json.
`;

/** Splits `--name value`, `--name=value` and `--flag` options from arguments. */
function parseOptions(
  args: readonly string[],
  flags: readonly string[] = [],
): { options: Record<string, string | true>; rest: string[] } {
  const options: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) {
      rest.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s);
    if (inline !== undefined) options[name] = inline;
    else if (flags.includes(name) || i + 1 >= args.length) options[name] = true;
    else options[name] = args[++i];
  }
  return { options, rest };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) =>
    Math.max(...rows.map((r) => r[c].length))
  );
  return rows.map((row) =>
    row.map((cell, c) => cell.padEnd(widths[c])).join("  ").trimEnd()
  ).join("\n") + "\n";
}

function routes(app: SpiderwebRouter, io: ProcessHost): number {
  if (!app.routes.length) {
    io.out("No routes registered.\n");
    return 0;
  }
  const rows = [...app.routes].sort((a, b) => a.path.localeCompare(b.path))
    .map((r) => [r.path, r.allow, r.name ?? "", r.view.name || "(anonymous)"]);
  io.out(table([["Path", "Methods", "Name", "View"], ...rows]));
  return 0;
}

async function createUserCommand(
  app: SpiderwebRouter,
  args: readonly string[],
  io: ProcessHost,
): Promise<number> {
  const { options } = parseOptions(args, ["staff", "superuser"]);
  const interactive = io.isInteractive();
  const stdinLines = interactive ? [] : (await io.readStdin()).split(/\r?\n/);
  const ask = async (question: string, hidden = false) =>
    interactive ? await io.prompt(question, hidden) : stdinLines.shift() ?? "";
  const username = typeof options.username === "string"
    ? options.username
    : (await ask("Username: ")).trim();
  const email = typeof options.email === "string"
    ? options.email
    : interactive
    ? (await ask("Email (optional): ")).trim()
    : "";
  const password = await ask("Password: ", true);
  if (interactive && password !== await ask("Password (again): ", true)) {
    io.err("Error: the passwords do not match.\n");
    return 1;
  }
  if (!password) {
    io.err("Error: the password is empty.\n");
    return 1;
  }
  try {
    const user = await createUser(app, {
      username,
      email,
      password,
      is_staff: options.staff === true || options.superuser === true,
      is_superuser: options.superuser === true,
    });
    io.out(`Created user ${user.username} (id ${user.id}).\n`);
    return 0;
  } catch (error) {
    io.err(`Error: ${(error as Error).message}.\n`);
    return 1;
  }
}

async function serve(
  app: SpiderwebRouter,
  args: readonly string[],
): Promise<number> {
  const { options } = parseOptions(args);
  const server = await app.start({
    addr: typeof options.addr === "string" ? options.addr : undefined,
    port: typeof options.port === "string" ? Number(options.port) : undefined,
    workers: typeof options.workers === "string"
      ? Number(options.workers)
      : undefined,
  });
  await server.finished;
  return 0;
}

const APP_TEMPLATE =
  `import { HttpResponse, SpiderwebRouter } from "jsr:@spiderweb/spiderweb";

const app = new SpiderwebRouter({ append_slash: true });

app.route("/", () => new HttpResponse("Hello from spiderweb!"), { name: "home" });

export default app;
`;

function newProject(args: readonly string[], io: ProcessHost): number {
  const target = resolve(io.cwd(), args[0] ?? ".");
  mkdirSync(target, { recursive: true });
  const appPath = join(target, "app.ts");
  if (existsSync(appPath)) {
    io.err(`Error: ${appPath} already exists; nothing was changed.\n`);
    return 1;
  }
  const source = detectRuntime() === "deno"
    ? APP_TEMPLATE
    : APP_TEMPLATE.replace("jsr:@spiderweb/spiderweb", "@spiderweb/spiderweb");
  writeFileSync(appPath, source, { flag: "wx" });
  const configName = detectRuntime() === "deno" ? "deno.json" : "package.json";
  const configPath = join(target, configName);
  const config = existsSync(configPath)
    ? JSON.parse(readFileSync(configPath, "utf8"))
    : configName === "package.json"
    ? { type: "module" }
    : {};
  if (!config.spiderweb?.app) {
    config.spiderweb = { ...config.spiderweb, app: "./app.ts:default" };
    writeFileSync(configPath, JSON.stringify(config, null, 2) + "\n");
  }
  io.out(`Created ${appPath} and the "spiderweb" field in ${configPath}.\n`);
  return 0;
}

/**
 * Runs the `web` command with these arguments; resolves to the exit code.
 *
 * @example Printing the version
 * ```ts
 * import { main } from "./main.ts";
 * const lines: string[] = [];
 * const code = await main(["version"], {
 *   args: [], env: () => undefined, cwd: () => ".", out: (t) => lines.push(t),
 *   err: () => {}, isInteractive: () => false, prompt: async () => "",
 *   readStdin: async () => "", setExitCode: () => {},
 * });
 * console.assert(code === 0 && lines[0].startsWith("@spiderweb/spiderweb 0."));
 * ```
 */
export async function main(
  argv: readonly string[],
  io: ProcessHost = host,
): Promise<number> {
  const appIndex = argv.indexOf("--app");
  const appFlag = appIndex === -1 ? undefined : argv[appIndex + 1];
  const args = appIndex === -1
    ? [...argv]
    : [...argv.slice(0, appIndex), ...argv.slice(appIndex + 2)];
  const [command, ...rest] = args;
  if (!command || command === "help" || command === "--help") {
    io.out(HELP);
    return 0;
  }
  if (command === "version") {
    io.out(`${PACKAGE_NAME} ${VERSION}\n`);
    return 0;
  }
  if (command === "new") return newProject(rest, io);
  const reference = findAppReference(
    appFlag,
    io.env("SPIDERWEB_APP"),
    io.cwd(),
  );
  if (!reference) {
    io.err(
      "Error: no app found. Pass --app ./app.ts:app, set SPIDERWEB_APP, or run `web new`.\n",
    );
    return 1;
  }
  let app: SpiderwebRouter;
  try {
    app = await loadApp(reference);
  } catch (error) {
    if (error instanceof StartupErrors) {
      io.err(`${error.message}\n`);
      for (const e of error.errors) io.err(`  - ${(e as Error).message}\n`);
      return 1;
    }
    io.err(`Error: ${(error as Error).message}\n`);
    return 1;
  }
  const custom = app.commands.get(command) as
    | ((app: SpiderwebRouter, args: string[]) => unknown)
    | undefined;
  try {
    switch (command) {
      case "routes":
        return routes(app, io);
      case "check":
        io.out("System check passed.\n");
        return 0;
      case "clearsessions":
        io.out(
          `Deleted ${await app.clearExpiredSessions()} expired sessions.\n`,
        );
        return 0;
      case "createuser":
        return await createUserCommand(app, rest, io);
      case "serve":
        return await serve(app, rest);
      default:
        if (custom) {
          const result = await custom(app, rest);
          return typeof result === "number" ? result : 0;
        }
        io.err(`Unknown command: ${command}\n\n${HELP}`);
        return 1;
    }
  } finally {
    if (command !== "serve") await app.close();
  }
}

if (import.meta.main) {
  host.setExitCode(await main(host.args));
}
