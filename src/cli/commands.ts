/**
 * The commands that work on an app: `routes`, `check`, `clearsessions`,
 * `createuser`, `serve`, and the app's own (`app.command`).
 *
 * @module
 */

import { createUser } from "../auth/users.ts";
import type { ProcessHost } from "../runtime/cli_host.ts";
import type { SpiderwebRouter } from "../router.ts";

/** Splits `--name value`, `--name=value` and `--flag` options from arguments. */
export function parseOptions(
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

/**
 * Runs one command on an app and closes it afterwards (unless it serves).
 *
 * @param app the app
 * @param command the command's name
 * @param args the command's arguments
 * @param io the process around the command
 * @returns the exit code, or undefined for an unknown command
 */
export async function runCommand(
  app: SpiderwebRouter,
  command: string,
  args: readonly string[],
  io: ProcessHost,
): Promise<number | undefined> {
  const custom = app.commands.get(command);
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
        return await createUserCommand(app, args, io);
      case "serve":
        return await serve(app, args);
      default:
        if (!custom) return undefined;
        {
          const result = await custom(app, [...args]);
          return typeof result === "number" ? result : 0;
        }
    }
  } finally {
    if (command !== "serve") await app.close();
  }
}
