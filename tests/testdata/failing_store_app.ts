// A server whose session store fails in every method, for the fault tests.
// Prints its URL, then serves until killed. Usage:
//   failing_store_app.ts <mode>   mode: "error" (plain errors) or "down" (503s)
import process from "node:process";
import {
  ServiceUnavailable,
  SessionMiddleware,
  type SessionStore,
  SpiderwebRouter,
} from "../../mod.ts";

const mode = process.argv[2] ?? "error";
const fail = (): Promise<never> =>
  Promise.reject(
    mode === "down"
      ? new ServiceUnavailable("store is down")
      : new Error("store exploded"),
  );
const store: SessionStore = {
  load: fail,
  create: fail,
  merge: fail,
  touch: fail,
  rotate: fail,
  destroy: fail,
  clearExpired: fail,
  revokeUser: fail,
};
const app = new SpiderwebRouter({
  port: 0,
  middleware: [SessionMiddleware],
  session_store: store,
  session_purge_interval: 0,
  log: { debug() {}, info() {}, warn() {}, error() {} },
});
app.route("/plain", () => ({ ok: true }), { allowed_methods: ["GET"] });
app.route("/flush", (request) => {
  request.flushSession(); // not awaited, as users of the original write it
  return {};
});
app.route("/write", (request) => {
  request.SESSION.a = 1;
  return {};
});
const server = await app.start({ handleSignals: true });
process.stdout.write(`${server.url}\n`);
