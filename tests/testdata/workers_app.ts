// An app served by two worker processes (tests/workers_test.ts).
import process from "node:process";
import { SessionMiddleware, SpiderwebRouter } from "../../mod.ts";

const app = new SpiderwebRouter({
  addr: "127.0.0.1",
  port: Number(process.env.PORT),
  db: process.env.DB,
  middleware: [SessionMiddleware],
  log: { debug() {}, info() {}, warn() {}, error() {} },
});
app.route("/pid", () => ({ pid: process.pid }));
app.route("/set/<str:key>/<str:value>", (request, { key, value }) => {
  request.SESSION[key] = value;
  return { pid: process.pid };
});
app.route("/read", (request) => ({ ...request.SESSION }));
app.route("/crash", () => {
  setTimeout(() => process.exit(1), 10);
  return { pid: process.pid };
});

await app.start({ workers: 2 });
