// Graceful shutdown's signals: one Ctrl-C delivered twice (terminal and npm) is one; a real second signal exits at once.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/logger.ts';
import { onShutdown, within } from '../../src/main/shutdown.ts';

const logger = createLogger({ level: 'silent', name: 'shutdown-test' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A shutdown whose only step waits until `release()`; `exits` lists the codes it exited with. */
function setUp() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  let release!: () => void;
  const stepDone = new Promise<void>((r) => {
    release = r;
  });
  // Only on() and off() are used; process's return types are what stop an EventEmitter from standing in for it.
  const signals = emitter as unknown as Pick<NodeJS.Process, 'on' | 'off'>;
  const handle = onShutdown(logger, 5_000, [() => stepDone], { emitter: signals, exit: (code) => exits.push(code) });
  return { emitter, exits, release, handle };
}

describe('onShutdown signals', () => {
  it('takes the same signal twice at once as one Ctrl-C (the terminal and npm both deliver it): a clean exit 0', async () => {
    const { emitter, exits, release, handle } = setUp();
    emitter.emit('SIGINT', 'SIGINT');
    emitter.emit('SIGINT', 'SIGINT');
    await sleep(20);
    expect(exits).toEqual([]);
    release();
    await handle.shutdown('test');
    expect(exits).toEqual([0]);
  });

  it('exits 1 at once on the same signal again after a pause (a second Ctrl-C)', async () => {
    const { emitter, exits, release } = setUp();
    emitter.emit('SIGINT', 'SIGINT');
    await sleep(600);
    emitter.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
    release();
  });

  it('exits 1 at once on another signal while shutting down', async () => {
    const { emitter, exits, release } = setUp();
    emitter.emit('SIGTERM', 'SIGTERM');
    emitter.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([1]);
    release();
  });
});

describe('within', () => {
  it('resolves when the close does, without calling onLate', async () => {
    let late = 0;
    await within(Promise.resolve(), 1_000, () => late++);
    expect(late).toBe(0);
  });

  it('resolves after its limit when the close never settles (a BullMQ worker whose connection still reconnects), calling onLate once', async () => {
    let late = 0;
    const started = Date.now();
    await within(new Promise(() => undefined), 50, () => late++);
    expect(late).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});
