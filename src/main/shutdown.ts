// Graceful shutdown: on SIGTERM/SIGINT, close the service's parts in order, within a time limit, then exit.
import type { Logger } from 'pino';

export type ShutdownStep = () => Promise<void>;

export interface ShutdownOptions {
  readonly signals?: readonly NodeJS.Signals[];
  /** Injected by tests; `process.exit` by default. */
  readonly exit?: (code: number) => void;
  /** Injected by tests; `process` by default. */
  readonly emitter?: Pick<NodeJS.Process, 'on' | 'off'>;
}

export interface ShutdownHandle {
  /** Starts the shutdown as a signal would (the same run, whoever calls first); resolves once exit was called. */
  shutdown(reason: string): Promise<void>;
  /** Removes the signal handlers (for tests and for a caller that takes over). */
  dispose(): void;
}

/**
 * Registers the handlers. The steps run one after another, in the order given (stop taking HTTP
 * requests, close workers, close queues, close Redis), because each one still needs the next:
 * a worker finishing its job still writes to Redis. A failing step is logged and the rest still
 * run, so connections are not left open; the exit code is then 1. If the steps together take longer
 * than `timeoutMs`, the process exits 1 without waiting further: the orchestrator would kill it anyway.
 * A second signal while shutting down exits at once (a second Ctrl-C), except the same signal within
 * ECHO_MS of the first: that is the first one again (see `isEcho`).
 */
export function onShutdown(logger: Logger, timeoutMs: number, steps: readonly ShutdownStep[], options: ShutdownOptions = {}): ShutdownHandle {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const emitter = options.emitter ?? process;
  let running: Promise<void> | null = null;
  let exited = false;

  const finish = (code: number) => {
    if (exited) return;
    exited = true;
    exit(code);
  };

  async function run(reason: string): Promise<void> {
    const started = Date.now();
    logger.info({ reason, timeoutMs, steps: steps.length }, 'shutting down');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const work = runSteps(logger, steps, () => exited);
    const outcome = await Promise.race([work, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      logger.error({ timeoutMs }, 'shutdown did not finish within the time limit: exiting anyway');
      finish(1);
      return;
    }
    logger.info({ durationMs: Date.now() - started, failedSteps: outcome }, outcome === 0 ? 'shut down' : 'shut down with failed steps');
    finish(outcome === 0 ? 0 : 1);
  }

  const shutdown = (reason: string): Promise<void> => {
    running ??= run(reason);
    return running;
  };

  const isEcho = echoDetector();
  const onSignal = (signal: NodeJS.Signals) => {
    if (isEcho(signal)) return;
    if (running !== null) {
      logger.warn({ signal }, 'second signal while shutting down: exiting now');
      finish(1);
      return;
    }
    void shutdown(signal);
  };
  for (const signal of signals) emitter.on(signal, onSignal);

  return {
    shutdown,
    dispose() {
      for (const signal of signals) emitter.off(signal, onSignal);
    },
  };
}

const ECHO_MS = 500;

/**
 * Under `npm run dev` or `npm start`, one Ctrl-C reaches the process twice: from the terminal (to its
 * whole process group) and again forwarded by npm. Taken as a second Ctrl-C, it would cut every
 * shutdown short; so the same signal within ECHO_MS of the first is ignored.
 */
function echoDetector(): (signal: NodeJS.Signals) => boolean {
  let first: { readonly signal: NodeJS.Signals; readonly at: number } | null = null;
  return (signal) => {
    const at = Date.now();
    if (first === null) {
      first = { signal, at };
      return false;
    }
    return signal === first.signal && at - first.at < ECHO_MS;
  };
}

/** Runs the steps in order, each even when an earlier one failed; returns how many failed. */
async function runSteps(logger: Logger, steps: readonly ShutdownStep[], exited: () => boolean): Promise<number> {
  let failed = 0;
  for (const [index, step] of steps.entries()) {
    if (exited()) return failed;
    const name = step.name === '' ? `step ${index + 1}` : step.name;
    try {
      await step();
      logger.debug({ step: name }, 'shutdown step done');
    } catch (err) {
      failed += 1;
      logger.error({ step: name, err }, 'shutdown step failed');
    }
  }
  return failed;
}

/**
 * Waits for `closing` at most `ms`, then tells `onLate` and resolves anyway. For a BullMQ worker: its
 * `close()` waits for the job in hand and for its blocking connection, which right after a Redis restart
 * can still be reconnecting and never settle (taskforcesh/bullmq#4656). A job left unfinished is safe to
 * drop: its lock expires and another worker runs it again, and a record's run is idempotent (its commit
 * is a compare-and-set); so the shutdown goes on to close the queues and connections, and exits 0.
 */
export async function within(closing: Promise<unknown>, ms: number, onLate: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    if ((await Promise.race([closing.then(() => 'done' as const), late])) === 'late') onLate();
  } finally {
    clearTimeout(timer);
  }
}
