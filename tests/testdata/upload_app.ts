// A server that takes uploads, for the memory tests: files larger than
// 2.5 MiB go to the folder given as the first argument. Prints its URL, then
// serves until killed.
import process from "node:process";
import { SpiderwebRouter } from "../../mod.ts";

const app = new SpiderwebRouter({
  port: 0,
  max_request_body_size: 64 * 1024 * 1024,
  max_buffered_body_bytes: 8 * 1024 * 1024,
  file_upload_temp_dir: process.argv[2],
  log: {
    debug() {},
    info() {},
    warn() {},
    error: (...data) => process.stderr.write(`${data.join(" ")}\n`),
  },
});
app.route("/up", (request) => {
  const file = request.FILES.get("f");
  return { size: file?.size ?? null };
}, { allowed_methods: ["POST"] });
// A full collection, so the memory test measures what is still in use.
app.route("/gc", () => {
  const bun = (globalThis as { Bun?: { gc(full: boolean): void } }).Bun;
  if (bun) bun.gc(true);
  else (globalThis as { gc?: () => void }).gc?.();
  return {};
});
const server = await app.start({ handleSignals: true });
process.stdout.write(`${server.url}\n`);
