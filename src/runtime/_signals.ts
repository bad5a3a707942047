/**
 * SIGINT/SIGTERM through `node:process`, which Node, Deno and Bun all
 * implement the same way.
 *
 * @module
 */

import process from "node:process";

/** Calls `listener` on SIGINT or SIGTERM; returns the remover. */
export function onShutdownSignal(
  listener: (signal: string) => void,
): () => void {
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const signal of signals) process.on(signal, listener);
  return () => {
    for (const signal of signals) process.off(signal, listener);
  };
}

/** An environment variable, or undefined. */
export function env(name: string): string | undefined {
  return process.env[name];
}

/** Lets the process exit while a Node or Bun timer is pending. */
export function unrefTimer(timer: ReturnType<typeof setInterval>): void {
  (timer as unknown as { unref?: () => void }).unref?.();
}
