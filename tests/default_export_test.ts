import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { freePort } from "./_servers.ts";

const script = fileURLToPath(
  new URL("./testdata/default_export_app.ts", import.meta.url),
);
const isDeno = "Deno" in globalThis;
const isBun = "Bun" in globalThis;

describe("export default app", () => {
  it("is served by `deno serve` and by Bun's default-export server", {
    skip: !isDeno && !isBun ? "Node has no default-export server" : false,
  }, async () => {
    const port = await freePort();
    const args = isDeno
      ? ["serve", "-A", "--host", "127.0.0.1", "--port", String(port), script]
      : ["run", script];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, DEFAULT_EXPORT_PORT: String(port) },
      stdio: "ignore",
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      let text = "";
      for (let i = 0; i < 100 && !text; i++) {
        try {
          text = await (await fetch(`http://127.0.0.1:${port}/`)).text();
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      assert.equal(text, "default export");
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });
});
