/**
 * `web new NAME`: a project that runs on Deno, Bun and Node as it is:
 * `app.ts` (serves when run directly), `manage.ts` (the app's commands, as
 * Django's `manage.py`), `deno.json` and `package.json` with `dev`, `start`
 * and `manage` tasks, `templates/`, `static/` and a README. Existing files
 * are never overwritten.
 *
 * @module
 */

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { VERSION } from "../core/version.ts";
import type { ProcessHost } from "../runtime/cli_host.ts";
import { parseOptions } from "./commands.ts";

// `--import <folder>` points a project at a local checkout of spiderweb
// (for developing spiderweb itself); by default it uses the package.
function specifiers(local: string | undefined) {
  if (!local) {
    return { mod: "@spiderweb/spiderweb", cli: "@spiderweb/spiderweb/cli" };
  }
  const root = resolve(local);
  return {
    mod: pathToFileURL(join(root, "mod.ts")).href,
    cli: pathToFileURL(join(root, "src", "cli", "main.ts")).href,
  };
}

function files(name: string, mod: string, cli: string): Record<string, string> {
  return {
    "app.ts": `import { HttpResponse, isMain, SpiderwebRouter } from "${mod}";

const app = new SpiderwebRouter({ append_slash: true });

app.route(
  "/",
  () =>
    new HttpResponse(
      "<!doctype html><title>${name}</title><h1>Hello from spiderweb!</h1>",
    ),
  { name: "home" },
);

export default app;
export { app };

// Serve when started directly (deno run -A app.ts, node app.ts); importing
// the app (manage.ts, tests) never starts a server. Bun serves an entry
// file's default export by itself (\`bun app.ts\`, on app.port), so here the
// app does not start a second server.
if (isMain(import.meta) && !("Bun" in globalThis)) await app.start();
`,
    "manage.ts": `// The commands for this app, as Django's manage.py:
//   deno run -A manage.ts routes | bun manage.ts routes | node manage.ts routes
//   (also: check, serve [--port P] [--workers N], createuser, clearsessions)
import { manage } from "${cli}";
import { app } from "./app.ts";

await manage(app);
`,
    "deno.json": JSON.stringify(
      {
        imports: {
          "@spiderweb/spiderweb": `jsr:@spiderweb/spiderweb@^${VERSION}`,
          "@spiderweb/spiderweb/cli":
            `jsr:@spiderweb/spiderweb@^${VERSION}/cli`,
        },
        tasks: {
          dev: "deno run -A --watch app.ts",
          start: "deno run -A app.ts",
          manage: "deno run -A manage.ts",
        },
        spiderweb: { app: "./app.ts:default" },
      },
      null,
      2,
    ) + "\n",
    "package.json": JSON.stringify(
      {
        name,
        private: true,
        type: "module",
        scripts: {
          dev: "node --watch app.ts",
          start: "node app.ts",
          manage: "node manage.ts",
        },
        dependencies: {
          "@spiderweb/spiderweb": `npm:@jsr/spiderweb__spiderweb@^${VERSION}`,
        },
        spiderweb: { app: "./app.ts:default" },
      },
      null,
      2,
    ) + "\n",
    ".npmrc": "@jsr:registry=https://npm.jsr.io\n",
    "templates/index.html":
      "<!doctype html>\n<title>{{ title }}</title>\n<link rel=\"stylesheet\" href=\"{% static 'style.css' %}\">\n<h1>{{ title }}</h1>\n",
    "static/style.css": "body { font-family: system-ui, sans-serif; }\n",
    "README.md": `# ${name}

A [spiderweb](https://jsr.io/@spiderweb/spiderweb) app.

| | Deno | Bun | Node (>= 22) |
| --- | --- | --- | --- |
| Install | (nothing) | \`bun install\` | \`npm install\` |
| Serve, reloading on changes | \`deno task dev\` | \`bun --hot app.ts\` | \`npm run dev\` |
| Serve | \`deno run -A app.ts\` | \`bun app.ts\` | \`node app.ts\` |
| Commands | \`deno run -A manage.ts routes\` | \`bun manage.ts routes\` | \`node manage.ts routes\` |

\`manage.ts\` runs \`routes\`, \`check\`, \`serve [--port P] [--workers N]\`,
\`createuser\`, \`clearsessions\` and the app's own commands.

Templates go in \`templates/\` and static files in \`static/\`: add
\`templates_dirs: ["templates"]\`, \`staticfiles_dirs: ["static"]\` and
\`debug: true\` (development) to the settings in \`app.ts\`, and render with
\`new TemplateResponse(request, { template_path: "index.html" })\`.
`,
  };
}

/**
 * Creates a project in `NAME` (or the working directory for `.`), then
 * prints the next steps.
 *
 * @param args `[NAME|.]` and `--import <folder>`
 * @param io the process around the command
 * @returns the exit code: 1 when `app.ts` already exists (nothing is changed)
 */
export function newProject(args: readonly string[], io: ProcessHost): number {
  const { options, rest } = parseOptions(args);
  const target = resolve(io.cwd(), rest[0] ?? ".");
  if (existsSync(join(target, "app.ts"))) {
    io.err(
      `Error: ${join(target, "app.ts")} already exists; nothing was changed.\n`,
    );
    return 1;
  }
  const local = typeof options.import === "string" ? options.import : undefined;
  const { mod, cli } = specifiers(local);
  const name = basename(target);
  const written: string[] = [];
  for (const [path, text] of Object.entries(files(name, mod, cli))) {
    const full = join(target, path);
    if (existsSync(full)) continue; // Never overwrite the user's files.
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, text, { flag: "wx" });
    written.push(path);
  }
  const cd = rest[0] && rest[0] !== "." ? `  cd ${rest[0]}\n` : "";
  io.out(`Created ${written.join(", ")} in ${target}.

Next steps:
${cd}  Deno:  deno task dev              (or: deno run -A app.ts)
  Bun:   bun install && bun --hot app.ts
  Node:  npm install && npm run dev   (Node >= 22)
Then open http://localhost:8000/ and list the routes with
  deno run -A manage.ts routes | bun manage.ts routes | node manage.ts routes
`);
  return 0;
}
