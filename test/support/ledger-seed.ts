// Test support: a live ledger in Redis under a test's prefix (record states, the portal, verification-log marks) and a criteria file for the commands that price it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { createRedisSignalStore, redisKeys } from '../../src/adapters/redis/signal-store.ts';
import { writebackKeys } from '../../src/adapters/redis/writeback-store.ts';
import type { RecordState } from '../../src/core/engine/record-state.ts';
import { BASE_CRITERIA } from './scenario.ts';

/** Saves each record's state (as a worker's commit would) and marks the portal as stored. */
export async function seedStates(redis: Redis, prefix: string, portalId: number, states: readonly RecordState[]): Promise<void> {
  const store = createRedisSignalStore(redis, prefix);
  for (const state of states) {
    const record = { portalId, objectType: state.objectType, recordId: state.recordId };
    const loaded = await store.load(record, Number.NEGATIVE_INFINITY);
    const r = await store.commit({ record, version: loaded.version, state, applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [] });
    if (!r.ok) throw new Error(`seeding ${state.recordId} lost a race`);
  }
  await redis.sadd(redisKeys(prefix).portals, String(portalId));
}

/** Says the write-back wrote (and associated) this outcome's log as HubSpot record `logId`. */
export async function markLogWritten(redis: Redis, prefix: string, portalId: number, outcomeId: string, logId: string): Promise<void> {
  await redis.hset(writebackKeys(prefix).writtenOutcomes(portalId), `${portalId}|${outcomeId}`, `log:${logId}:seeded`);
}

/** A criteria file of BASE_CRITERIA with these overrides, in a new temporary folder. */
export function criteriaFile(...versions: Record<string, unknown>[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'ob-fin-'));
  const path = join(dir, 'criteria.yaml');
  writeFileSync(path, stringify({ criteria: (versions.length === 0 ? [{}] : versions).map((v) => ({ ...BASE_CRITERIA, ...v })) }));
  return path;
}
