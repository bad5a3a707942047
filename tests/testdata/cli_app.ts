// deno-lint-ignore-file no-console
// The app the CLI tests drive; its database comes from CLI_TEST_DB.
import process from "node:process";
import { HttpResponse, SessionMiddleware, SpiderwebRouter } from "../../mod.ts";

export const app = new SpiderwebRouter({
  db: process.env.CLI_TEST_DB ?? ":memory:",
  middleware: [SessionMiddleware],
  log: {
    debug() {},
    info: (...a) => console.log(...a),
    warn() {},
    error: (...a) => console.error(...a),
  },
});

app.route("/", function home() {
  return new HttpResponse("hello from the cli app");
}, { name: "home" });
app.route("/items/<int:id>", function item() {
  return {};
}, { name: "item", allowed_methods: ["GET", "POST"] });

app.command("greet", (_app, args) => {
  console.log(`Hello, ${args[0] ?? "world"}!`);
});
