/**
 * The `web` command: `routes`, `check`, `clearsessions`, `createuser`,
 * `serve`, `new`, `version`, and the app's own commands.
 *
 * ```sh
 * deno run -A jsr:@spiderweb/spiderweb/cli new mysite    # or, installed once:
 * deno install -g -A -n web jsr:@spiderweb/spiderweb/cli && web new mysite
 * # In a project, on any runtime (manage.ts calls `manage(app)`):
 * deno run -A manage.ts routes | bun manage.ts routes | node manage.ts routes
 * ```
 *
 * @module
 */

import { PACKAGE_NAME, VERSION } from "../core/version.ts";
import { StartupErrors } from "../http/errors.ts";
import { host, type ProcessHost } from "../runtime/cli_host.ts";
import { isMain } from "../runtime/main_module.ts";
import type { SpiderwebRouter } from "../router.ts";
import { findAppReference, loadApp } from "./cli_app.ts";
import { runCommand } from "./commands.ts";
import { newProject } from "./new_project.ts";

export type { ProcessHost };
// The app types `manage` and `main` take, documented with them.
export type * from "../../mod.ts";

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
  const code = await runCommand(app, command, rest, io);
  if (code !== undefined) return code;
  io.err(`Unknown command: ${command}\n\n${HELP}`);
  return 1;
}

/**
 * Runs a command for an app you already have: the body of a project's
 * `manage.ts`, the `manage.py` of Django. Sets the process's exit code.
 *
 * @example A project's manage.ts
 * ```ts ignore
 * import { manage } from "@spiderweb/spiderweb/cli";
 * import { app } from "./app.ts";
 * await manage(app); // deno run -A manage.ts routes | bun manage.ts routes | node manage.ts routes
 * ```
 *
 * @param app the app
 * @param argv the command and its arguments (the process's by default)
 * @param io the process around the command
 * @returns the exit code
 */
export async function manage(
  app: SpiderwebRouter,
  argv: readonly string[] = host.args,
  io: ProcessHost = host,
): Promise<number> {
  const [command, ...rest] = argv;
  let code: number | undefined;
  if (!command || command === "help" || command === "--help") {
    io.out(HELP.replace("web [--app <module>[:<export>]]", "manage"));
    code = 0;
  } else if (command === "version") {
    io.out(`${PACKAGE_NAME} ${VERSION}\n`);
    code = 0;
  } else {
    code = await runCommand(app, command, rest, io);
    if (code === undefined) {
      io.err(`Unknown command: ${command}\n\n${HELP}`);
      code = 1;
    }
  }
  io.setExitCode(code);
  return code;
}

if (isMain(import.meta)) {
  host.setExitCode(await main(host.args));
}
