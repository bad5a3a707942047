// A child process for the multi-process session tests. Usage:
//   _session_worker.ts <db> write <json>        create a session, print its key
//   _session_worker.ts <db> read <key>          print the session's data
//   _session_worker.ts <db> hammer <key> <id> <ms>  50 writers, print acks
//   _session_worker.ts <db> kill <key> <from>   write large values until killed
import process from "node:process";
import { SessionMiddleware, SpiderwebRouter, TestClient } from "../../mod.ts";

const [db, mode, ...args] = process.argv.slice(2);
const app = new SpiderwebRouter({
  db,
  middleware: [SessionMiddleware],
  log: {
    debug() {},
    info() {},
    warn() {},
    error: (...d) => process.stderr.write(`${d.join(" ")}\n`),
  },
});
app.route("/write", async (request) => {
  Object.assign(request.SESSION, await request.json());
  return {};
});
app.route("/read", (request) => ({ ...request.SESSION }));
app.route("/set/<str:key>/<int:value>", (request, { key, value }) => {
  request.SESSION[key] = value;
  return {};
});
app.route("/big/<int:i>", (request, { i }) => {
  const fill = String.fromCharCode(97 + (i % 26));
  request.SESSION.big = `${i}:${fill.repeat(200_000)}`;
  request.SESSION.i = i;
  return {};
});

const client = new TestClient(app);
const cookie = (key: string) => ({ headers: { cookie: `swsession=${key}` } });

if (mode === "write") {
  const response = await client.post("/write", { body: args[0] });
  process.stdout.write(`${client.cookies().swsession}\n`);
  if (response.status !== 200) process.exitCode = 1;
} else if (mode === "read") {
  const response = await client.get("/read", cookie(args[0]));
  process.stdout.write(`${await response.text()}\n`);
} else if (mode === "hammer") {
  const [key, id, ms] = args;
  const until = Date.now() + Number(ms);
  const acked: Record<string, number> = {};
  let errors = 0;
  await Promise.all(Array.from({ length: 50 }, async (_, w) => {
    const name = `p${id}w${w}`;
    for (let i = 1; Date.now() < until; i++) {
      const response = await client.get(`/set/${name}/${i}`, cookie(key));
      await response.body?.cancel();
      if (response.status === 200) acked[name] = i;
      else errors++;
    }
  }));
  process.stdout.write(`${JSON.stringify({ acked, errors })}\n`);
} else if (mode === "kill") {
  for (let i = Number(args[1]);; i++) {
    const response = await client.get(`/big/${i}`, cookie(args[0]));
    await response.body?.cancel();
    if (response.status === 200) process.stdout.write(`ack ${i}\n`);
  }
}
await app.close();
