/**
 * The process around a command-line program: arguments, environment,
 * output, exit code and terminal input, through `node:process`, which Deno,
 * Bun and Node all provide.
 *
 * @module
 */

import process from "node:process";
import { createInterface } from "node:readline";

/** What the `web` command needs from its process. */
export interface ProcessHost {
  /** The arguments after the script. */
  readonly args: readonly string[];
  /** An environment variable. */
  env(name: string): string | undefined;
  /** The working directory. */
  cwd(): string;
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** True when standard input is a terminal. */
  isInteractive(): boolean;
  /** Asks on the terminal; `hidden` does not echo what is typed. */
  prompt(question: string, hidden?: boolean): Promise<string>;
  /** Reads all of standard input (when it is not a terminal). */
  readStdin(): Promise<string>;
  /** Sets the exit code. */
  setExitCode(code: number): void;
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stdout.write(question);
    stdin.setRawMode?.(true);
    stdin.resume();
    let answer = "";
    const onData = (chunk: Buffer | string) => {
      for (const char of String(chunk)) {
        if (char === "\r" || char === "\n" || char === "\u0004") {
          stdin.setRawMode?.(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stdout.write("\n");
          resolve(answer);
          return;
        }
        if (char === "\u0003") process.exit(130); // Ctrl+C
        if (char === "\u007f") answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    stdin.on("data", onData);
  });
}

/** This process. */
export const host: ProcessHost = {
  args: process.argv.slice(2),
  env: (name) => process.env[name],
  cwd: () => process.cwd(),
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  isInteractive: () => Boolean(process.stdin.isTTY),
  prompt(question, hidden = false) {
    if (hidden) return promptHidden(question);
    const rl = createInterface({
      input: process.stdin,
      output: process.stdout,
    });
    return new Promise((resolve) =>
      rl.question(question, (answer) => {
        rl.close();
        resolve(answer);
      })
    );
  },
  async readStdin() {
    let text = "";
    for await (const chunk of process.stdin) text += chunk;
    return text;
  },
  setExitCode: (code) => {
    process.exitCode = code;
  },
};
