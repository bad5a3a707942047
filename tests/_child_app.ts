// Servers in child processes, run by the same runtime as the test runner:
// for the fault and memory tests, which need a process of their own to kill,
// to measure, or to outlive.
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/**
 * A test script's command line under the runtime running the tests; with
 * `exposeGc`, the script can call `globalThis.gc()` (Bun always can, with
 * `Bun.gc`).
 */
export function scriptCommand(
  script: URL,
  args: readonly string[] = [],
  exposeGc = false,
): [string, string[]] {
  const path = fileURLToPath(script);
  const runArgs = "Deno" in globalThis
    ? ["run", "-A", ...(exposeGc ? ["--v8-flags=--expose-gc"] : []), path]
    : [...(exposeGc && !("Bun" in globalThis) ? ["--expose-gc"] : []), path];
  return [process.execPath, [...runArgs, ...args]];
}

/** A server process started by `startServerProcess`. */
export interface ServerProcess {
  /** The URL it printed. */
  readonly url: string;
  /** The process. */
  readonly child: ChildProcess;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  readonly exited: Promise<number | string | null>;
  /** Sends SIGKILL and waits for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts a script that serves and prints its URL as its first stdout line.
 *
 * @param script the script's URL (`new URL("./testdata/x.ts", import.meta.url)`)
 * @param args its arguments
 * @param exposeGc let it call `globalThis.gc()`
 */
export function startServerProcess(
  script: URL,
  args: readonly string[] = [],
  exposeGc = false,
): Promise<ServerProcess> {
  const [command, argv] = scriptCommand(script, args, exposeGc);
  const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | string | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal))
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      out += d;
      if (!out.includes("\n")) return;
      resolve({
        url: out.slice(0, out.indexOf("\n")).trim(),
        child,
        exited,
        stderr: () => err,
        async kill() {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGKILL");
          }
          await exited;
        },
      });
    });
    child.on("error", reject);
    exited.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}
