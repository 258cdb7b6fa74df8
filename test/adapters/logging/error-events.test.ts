// Issue 10: `error` events as one structured line each, at most one per source and kind per interval, with the count left out.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createErrorEvents } from '../../../src/adapters/logging/error-events.ts';
import { createLogger } from '../../../src/adapters/logging/logger.ts';

function setUp() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  let now = 1_000_000;
  const errors = createErrorEvents(createLogger({ level: 'info', name: 't', destination }), { intervalMs: 30_000, clock: () => now });
  return { lines, errors, advance: (ms: number) => (now += ms) };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390\n    at TCPConnectWrap.afterConnect'), { code: 'ECONNREFUSED' });

describe('error events', () => {
  it('logs the first error of a kind at once, one line without the stack; repeats within the interval are counted, then reported', () => {
    const { lines, errors, advance } = setUp();
    const conn = new EventEmitter();
    errors.watch(conn, 'redis:requests');
    conn.emit('error', refused());
    for (let i = 0; i < 50; i++) {
      advance(500);
      conn.emit('error', refused());
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', source: 'redis:requests', error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:6390' } });
    expect(JSON.stringify(lines[0])).not.toContain('afterConnect');
    advance(5_001);
    conn.emit('error', refused());
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ source: 'redis:requests', suppressed: 50 });
  });

  it('keeps sources and kinds apart: another source, or another error, is logged at once', () => {
    const { lines, errors } = setUp();
    const a = new EventEmitter();
    const b = new EventEmitter();
    errors.watch(a, 'queue');
    errors.watch(b, 'worker');
    a.emit('error', refused());
    b.emit('error', refused());
    a.emit('error', new Error('could not renew lock for job 7'));
    expect(lines.map((l) => [l['source'], (l['error'] as { message: string }).message])).toEqual([
      ['queue', 'connect ECONNREFUSED 127.0.0.1:6390'],
      ['worker', 'connect ECONNREFUSED 127.0.0.1:6390'],
      ['queue', 'could not renew lock for job 7'],
    ]);
  });

  it('says once that a connection is ready again after errors, then logs its next error at once', () => {
    const { lines, errors } = setUp();
    // An ioredis client has a `status`; its `ready` means connected again.
    const conn = Object.assign(new EventEmitter(), { status: 'ready' });
    errors.watch(conn, 'redis:workers');
    conn.emit('ready');
    expect(lines).toHaveLength(0);
    conn.emit('error', refused());
    conn.emit('error', refused());
    conn.emit('ready');
    expect(lines[1]).toMatchObject({ level: 'info', source: 'redis:workers', errorsSinceLastReady: 2, msg: 'connection ready again' });
    conn.emit('error', refused());
    expect(lines).toHaveLength(3);
  });

  it('a watched emitter no longer throws on error (an unwatched EventEmitter would)', () => {
    const { errors } = setUp();
    const conn = new EventEmitter();
    expect(() => conn.emit('error', refused())).toThrow();
    errors.watch(conn, 'queue');
    expect(() => conn.emit('error', refused())).not.toThrow();
  });
});
