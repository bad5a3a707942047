/**
 * Behind `app.start()`: serves the app on this runtime, runs the lifecycle
 * hooks, and shuts down cleanly on SIGINT/SIGTERM.
 *
 * @module
 */

import { ConfigError } from "../http/errors.ts";
import { runtime } from "../runtime/load.ts";
import type { PartsHandler, WorkerProcess } from "../runtime/runtime.ts";
import type { Logger } from "./logger.ts";

/** What `startServer` needs from an app. */
export interface Servable {
  /** The default address to bind. */
  readonly hostname: string;
  /** The default port to bind. */
  readonly port: number;
  /** Where the banner and shutdown lines go. */
  readonly log: Logger;
  /** Answers one request with response parts. */
  readonly respond: PartsHandler;
  /** Runs the `on_startup` hooks once. */
  runStartup(): Promise<void>;
  /** Runs `on_shutdown` and releases what the app holds. */
  close(): Promise<void>;
}

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
  /**
   * Serve with this many processes on one port (Deno and Bun with
   * SO_REUSEPORT, Node with `node:cluster`). The first process supervises:
   * it restarts a worker that crashes and stops them all on SIGINT/SIGTERM.
   * Needs a fixed port. @default 1
   */
  workers?: number;
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

/**
 * Serves `app` until `stop()` or a shutdown signal.
 *
 * @param app what to serve
 * @param options address, port, signals and workers
 * @returns the running server
 * @throws ConfigError for a bad worker count, or workers on port 0
 */
export async function startServer(
  app: Servable,
  options: StartOptions,
): Promise<RunningServer> {
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ConfigError(`workers must be a positive integer, got ${workers}`);
  }
  if (workers > 1 && !runtime.isWorker()) {
    return supervise(app, workers, options);
  }
  await app.runStartup();
  const hostname = options.addr ?? app.hostname;
  const server = await runtime.serve(
    app.respond,
    {
      hostname,
      port: options.port ?? app.port,
      reusePort: options.reusePort,
    },
  );
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
      runtime.releaseWorker();
      resolveFinished();
    })();
  const removeSignals = options.handleSignals === false
    ? () => {}
    : runtime.onShutdownSignal(() => void stop());
  return { url: server.url, stop, finished };
}

// The supervising process: it serves nothing itself.
function supervise(
  app: Servable,
  count: number,
  options: StartOptions,
): Promise<RunningServer> {
  const hostname = options.addr ?? app.hostname;
  const port = options.port ?? app.port;
  if (port === 0) {
    throw new ConfigError("workers > 1 needs a fixed port, not 0");
  }
  const running = new Set<WorkerProcess>();
  let stopping = false;
  const launch = () => {
    const worker = runtime.spawnWorker();
    running.add(worker);
    worker.exited.then((code) => {
      running.delete(worker);
      if (stopping) return;
      app.log.warn(`A worker exited (code ${code}); starting another.`);
      setTimeout(launch, 200);
    });
  };
  app.log.info(`Starting ${count} workers on http://${hostname}:${port}`);
  for (let i = 0; i < count; i++) launch();
  let resolveFinished!: () => void;
  const finished = new Promise<void>((resolve) => (resolveFinished = resolve));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    stopped ??= (async () => {
      stopping = true;
      removeSignals();
      const exits = [...running].map((worker) => worker.exited);
      for (const worker of running) worker.kill("SIGTERM");
      await Promise.all(exits);
      resolveFinished();
    })();
  const removeSignals = options.handleSignals === false
    ? () => {}
    : runtime.onShutdownSignal(() => void stop());
  return Promise.resolve({
    url: new URL(`http://${hostname}:${port}/`),
    stop,
    finished,
  });
}
