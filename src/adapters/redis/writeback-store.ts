// The write-back's Redis side: the outbox the commit script fills, hashes of what was last written, the compare-and-remove, and the dead-letter list.
import type { RedisClient } from './connection.ts';
import { recordRefKey } from '../../app/ports.ts';
import type { RecordRef } from '../../app/ports.ts';
import type { DeadLetter, OutboxEntry, WritebackStore } from '../../app/writeback-ports.ts';
import { decodeOutcome, decodeRecord } from './record-codec.ts';
import { SCRIPTS, runScript } from './scripts.ts';
import { parseRecordKey, redisKeys } from './signal-store.ts';

/**
 * Dead letters are also logged one by one; the list keeps the latest ones for a person to look at, and
 * is capped because Redis runs with noeviction (an unbounded list would end in refused writes).
 */
export const DEAD_LETTER_CAP = 10_000;

export interface WritebackKeys {
  readonly outbox: string;
  /** Hash "portal|outcome id" -> content hash of the verification log last written. */
  readonly writtenOutcomes: string;
  /** Hash record key -> content hash of the billing properties last written. */
  readonly writtenRecords: string;
  /** List of DeadLetter JSON, newest first. */
  readonly deadLetters: string;
  /** Per portal, hash record key -> its over-limit outcome ids as the last drain saved them. */
  readonly overLimit: (portalId: number) => string;
}

export function writebackKeys(prefix: string): WritebackKeys {
  return {
    outbox: redisKeys(prefix).outbox,
    writtenOutcomes: `${prefix}:written`,
    writtenRecords: `${prefix}:written-records`,
    deadLetters: `${prefix}:dead-letters`,
    overLimit: (portalId) => `${prefix}:over-limit:${portalId}`,
  };
}

export function createRedisWritebackStore(
  redis: RedisClient,
  prefix: string,
): WritebackStore & { readonly keys: WritebackKeys; deadLetters(limit?: number): Promise<DeadLetter[]>; outboxSize(): Promise<number> } {
  const keys = writebackKeys(prefix);
  const { state: stateKey, archive: archiveKey } = redisKeys(prefix);

  return {
    keys,

    async oldest(limit, now) {
      const raw = await redis.zrangebyscore(keys.outbox, '-inf', String(now), 'WITHSCORES', 'LIMIT', 0, limit);
      const entries: OutboxEntry[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const record = parseRecordKey(raw[i]!);
        if (record) entries.push({ record, score: raw[i + 1]! });
      }
      return entries;
    },

    async states(records) {
      if (records.length === 0) return [];
      // The billing properties count every outcome of the record: its archived ones too (docs/decisions.md, "Bounded state").
      const pipeline = redis.pipeline();
      for (const record of records) pipeline.hmget(stateKey(record), 'v', 's').hvals(archiveKey(record));
      const answers = (await pipeline.exec()) ?? [];
      return records.map((_, i) => {
        const [[error, value], [archiveError, archived]] = [answers[2 * i]!, answers[2 * i + 1]!];
        if (error) throw error;
        if (archiveError) throw archiveError;
        const [v, s] = value as [string | null, string | null];
        const state = s === null ? null : decodeRecord(s);
        if (state) state.outcomes = [...(archived as string[]).map(decodeOutcome).sort((a, b) => a.openedAt - b.openedAt), ...state.outcomes];
        return { version: v === null ? 0 : Number(v), state };
      });
    },

    async writtenOutcomes(fields) {
      return fields.length === 0 ? [] : redis.hmget(keys.writtenOutcomes, ...fields);
    },

    async writtenRecords(records) {
      return records.length === 0 ? [] : redis.hmget(keys.writtenRecords, ...records.map(recordRefKey));
    },

    async finish(done) {
      const { stateKeys, args } = finishArgs(done, stateKey);
      return runScript(redis, SCRIPTS.writebackFinish, [keys.outbox, keys.writtenOutcomes, keys.writtenRecords, ...stateKeys], args);
    },

    async deadLetter(letters) {
      if (letters.length === 0) return;
      await redis
        .multi()
        .lpush(keys.deadLetters, ...letters.map((l) => JSON.stringify(l)))
        .ltrim(keys.deadLetters, 0, DEAD_LETTER_CAP - 1)
        .exec();
    },

    async deadLetters(limit = 100) {
      return (await redis.lrange(keys.deadLetters, 0, limit - 1)).map((s) => JSON.parse(s) as DeadLetter);
    },

    async outboxSize() {
      return redis.zcard(keys.outbox);
    },

    ...overLimitMarks(redis, keys),
  };
}

function overLimitMarks(redis: RedisClient, keys: WritebackKeys): Pick<WritebackStore, 'overLimitMarks' | 'saveOverLimitMarks'> {
  return {
    async overLimitMarks(portalId) {
      return new Map(Object.entries(await redis.hgetall(keys.overLimit(portalId))));
    },

    // One MULTI: the marks and the records they put back in the outbox change together.
    async saveOverLimitMarks(portalId, changes, requeue, now) {
      const multi = redis.multi();
      if (changes.set.size > 0) multi.hset(keys.overLimit(portalId), Object.fromEntries(changes.set));
      if (changes.drop.length > 0) multi.hdel(keys.overLimit(portalId), ...changes.drop);
      for (const key of requeue) multi.zadd(keys.outbox, Math.floor(now), key);
      await multi.exec();
    },
  };
}

/** The finish script's ARGV, in its header's order, and the state key of each record it may take off the outbox. */
function finishArgs(done: Parameters<WritebackStore['finish']>[0], stateKey: (r: RecordRef) => string): { stateKeys: string[]; args: (string | number)[] } {
  const args: (string | number)[] = [done.outcomes.length];
  for (const [field, hash] of done.outcomes) args.push(field, hash);
  args.push(done.records.length);
  for (const [record, hash] of done.records) args.push(recordRefKey(record), hash);
  const stateKeys: string[] = [];
  for (const { entry, version } of done.remove) {
    stateKeys.push(stateKey(entry.record));
    args.push(recordRefKey(entry.record), entry.score, version);
  }
  return { stateKeys, args };
}
