// The Lua script loader: every script file declared once with the keys its name and header give, replies mapped in one place.
import { readFileSync, readdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/app/ports.ts';
import { SCRIPTS, ScriptReplyError, runScript } from '../../../src/adapters/redis/scripts.ts';
import { connect } from '../../support/redis.ts';
import { freePort } from '../../support/service.ts';

const LUA_DIR = new URL('../../../src/adapters/redis/lua/', import.meta.url);


describe('Lua scripts', () => {
  it('declares every script file once, and each header names as many fixed KEYS as its file name says', () => {
    const files = readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua')).map((f) => f.slice(0, -'.lua'.length));
    const declared = Object.values(SCRIPTS).map((s) => s.file);
    expect([...declared].sort()).toEqual([...files].sort());
    for (const script of Object.values(SCRIPTS)) {
      const header = readFileSync(new URL(`${script.file}.lua`, LUA_DIR), 'utf8').split(']]')[0]!;
      const fixed = new Set([...header.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1])));
      expect(Math.max(...fixed), script.file).toBe(script.fixedKeys);
      expect(header, script.file).toMatch(/Returns/);
    }
  });

  it('turns replies into results, and a reply its header does not document into ScriptReplyError', () => {
    expect(SCRIPTS.commit.decode([0, '', '', 0])).toEqual({ ok: false, nextPendingAt: null, dueAt: null, dueChanged: false });
    expect(SCRIPTS.commit.decode([1, '5', '4', 1])).toEqual({ ok: true, nextPendingAt: 5, dueAt: 4, dueChanged: true });
    expect(() => SCRIPTS.commit.decode([2, '', '', 0])).toThrow(ScriptReplyError);
    expect(SCRIPTS.ingest.decode([1, 2, '7:ticket:1', '1000'])).toEqual({ stored: 1, duplicates: 2, moved: [{ recordKey: '7:ticket:1', at: 1_000 }] });
    expect(() => SCRIPTS.ingest.decode([1, 2, '7:ticket:1'])).toThrow(ScriptReplyError);
    expect(SCRIPTS.rateLimit.decode([0, 250])).toEqual({ ok: false, waitMs: 250 });
    expect(SCRIPTS.unlock.decode(0)).toBe(false);
    expect(() => SCRIPTS.writebackFinish.decode('3')).toThrow(ScriptReplyError);
    expect(SCRIPTS.dispute.decode([1, 1])).toEqual({ kind: 'stored', wake: true });
    expect(SCRIPTS.pause.decode([1])).toEqual({ kind: 'stored', wake: false });
    expect(SCRIPTS.dispute.decode([0])).toEqual({ kind: 'changed' });
    expect(SCRIPTS.pause.decode([2, '{"a":1}'])).toEqual({ kind: 'answered', marker: '{"a":1}' });
    expect(() => SCRIPTS.dispute.decode([1, 2])).toThrow(ScriptReplyError);
    expect(() => SCRIPTS.pause.decode([2])).toThrow(ScriptReplyError);
    expect(SCRIPTS.logTrim.decode([3, 1])).toEqual({ removed: 3, state: 'more' });
    expect(SCRIPTS.logTrim.decode([0, 2])).toEqual({ removed: 0, state: 'unreadable' });
    expect(() => SCRIPTS.logTrim.decode([1, 3])).toThrow(ScriptReplyError);
    expect(() => SCRIPTS.logTrim.decode([-1, 0])).toThrow(ScriptReplyError);
  });

  describe('against Redis', () => {
    let redis: Redis;
    let down: Redis;
    beforeAll(async () => {
      redis = connect();
      down = new Redis({ host: '127.0.0.1', port: await freePort(), maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 200, retryStrategy: () => null, lazyConnect: true });
      down.on('error', () => undefined);
    });
    afterAll(async () => {
      down.disconnect();
      await redis.quit();
    });

    it('refuses a call with the wrong number of keys before anything reaches Redis', async () => {
      await expect(runScript(redis, SCRIPTS.unlock, [], ['token'])).rejects.toThrow(/unlock-1 called with 0 keys/);
      await expect(runScript(redis, SCRIPTS.ingest, ['a', 'b', 'c', 'd'], [])).rejects.toThrow(/ingest-3\+2n called with 4 keys/);
      await expect(runScript(redis, SCRIPTS.writebackFinish, ['a', 'b'], [0, 0])).rejects.toThrow(/called with 2 keys/);
    });

    it('defines a script on each connection at its first use', async () => {
      const fresh = redis.duplicate();
      try {
        expect('obUnlock' in fresh).toBe(false);
        expect(await runScript(fresh, SCRIPTS.unlock, [`ob-test-scripts-${Date.now()}:lock`], ['nobody'])).toBe(false);
        expect('obUnlock' in fresh).toBe(true);
      } finally {
        await fresh.quit();
      }
    });

    it('reports an unreachable Redis as StoreUnavailableError for ingest and the action writes only: their routes answer 503', async () => {
      await expect(runScript(down, SCRIPTS.ingest, ['s', 'd', 'l'], [1_000])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(runScript(down, SCRIPTS.pause, ['r', 'p', 'l'], [1, '{}', 0, '{}', '{}'])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(runScript(down, SCRIPTS.dispute, ['r', 's', 'p', 'q', 'd', 'l'], [1, '{}', 0, 1, 0, '{}', 'k', '{}'])).rejects.toBeInstanceOf(StoreUnavailableError);
      const commit = runScript(down, SCRIPTS.commit, ['1', '2', '3', '4', '5', '6', '7', '8', '9'], [0, '{}', 'k', '', '{}', '', '', 0, 0, 0]);
      await expect(commit).rejects.toThrow();
      await expect(commit).rejects.not.toBeInstanceOf(StoreUnavailableError);
    });
  });
});

