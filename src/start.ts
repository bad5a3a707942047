/**
 * Behind `app.start()`: serves the app on this runtime, runs the lifecycle
 * hooks, and shuts down cleanly on SIGINT/SIGTERM.
 *
 * @module
 */

import { runtime } from "./runtime/load.ts";
import type { SpiderwebRouter } from "./router.ts";

/** Options of `app.start()`. */
export interface StartOptions {
  /** Overrides the router's `addr`. */
  addr?: string;
  /** Overrides the router's `port`; 0 picks a free one. */
  port?: number;
  /** Handle SIGINT and SIGTERM by shutting down. @default true */
  handleSignals?: boolean;
  /** Let several processes listen on the same port (SO_REUSEPORT). */
  reusePort?: boolean;
}

/** A running server. */
export interface RunningServer {
  /** The address it listens on. */
  readonly url: URL;
  /** Stops serving: drains requests, runs `on_shutdown`, closes the database. */
  stop(): Promise<void>;
  /** Resolves once the server has stopped. */
  readonly finished: Promise<void>;
}

/** Serves `app` until `stop()` or a shutdown signal. */
export async function startServer(
  app: SpiderwebRouter,
  options: StartOptions,
): Promise<RunningServer> {
  await app.runStartup();
  const hostname = options.addr ?? app.hostname;
  const server = await runtime.serve(app.fetch, {
    hostname,
    port: options.port ?? app.port,
    reusePort: options.reusePort,
  });
  const displayHost = hostname.includes(":") ? `[${hostname}]` : hostname;
  app.log.info(
    `Starting server on http://${displayHost}:${server.url.port}`,
  );
  app.log.info("Press CTRL+C to stop the server.");
  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      app.log.info("Shutting down!");
      removeSignals();
      await server.shutdown();
      await app.close();
      resolveFinished();
    })();
  const removeSignals = options.handleSignals === false
    ? () => {}
    : runtime.onShutdownSignal(() => void stop());
  return { url: server.url, stop, finished };
}
