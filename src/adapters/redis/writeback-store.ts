// The write-back's Redis side: the outbox the commit script fills, hashes of what was last written, the compare-and-remove, and the dead-letter list.
import type { RedisClient } from './connection.ts';
import { recordRefKey } from '../../app/ports.ts';
import type { RecordRef } from '../../app/ports.ts';
import type { DeadLetter, OutboxEntry, WritebackStore } from '../../app/writeback-ports.ts';
import { decodeOutcome, decodeRecord } from './record-codec.ts';
import { SCRIPTS, runScript } from './scripts.ts';
import { deploymentKey, portalKey } from './keys.ts';
import { acrossPortals, listPortal, scoredPage, sharedLowest } from './portal-walk.ts';
import { parseRecordKey, redisKeys } from './signal-store.ts';
import { withArchived } from '../../app/ledger-outcomes.ts';
import { readAll } from './action-store.ts';

/**
 * Dead letters are also logged one by one; the list keeps the latest ones for a person to look at, and
 * is capped because Redis runs with noeviction (an unbounded list would end in refused writes).
 */
export const DEAD_LETTER_CAP = 10_000;

/** Every key is the portal's (its hash slot on a cluster) but the dead letters, which are the deployment's. */
export interface WritebackKeys {
  readonly outbox: (portalId: number) => string;
  /** The portal's hash "portal|outcome id" -> content hash of the verification log last written. */
  readonly writtenOutcomes: (portalId: number) => string;
  /** The portal's hash record key -> content hash of the billing properties last written. */
  readonly writtenRecords: (portalId: number) => string;
  /** List of DeadLetter JSON, newest first. */
  readonly deadLetters: string;
  /** Per portal, hash record key -> its over-limit outcome ids as the last drain saved them. */
  readonly overLimit: (portalId: number) => string;
  /** The deployment's set of portals, which the drains walk. */
  readonly portals: string;
}

export function writebackKeys(prefix: string): WritebackKeys {
  return {
    outbox: redisKeys(prefix).outbox,
    writtenOutcomes: (portalId) => portalKey(prefix, portalId, 'written'),
    writtenRecords: (portalId) => portalKey(prefix, portalId, 'written-records'),
    deadLetters: deploymentKey(prefix, 'dead-letters'),
    overLimit: (portalId) => portalKey(prefix, portalId, 'over-limit'),
    portals: redisKeys(prefix).portals,
  };
}

export function createRedisWritebackStore(
  redis: RedisClient,
  prefix: string,
): WritebackStore & { readonly keys: WritebackKeys; deadLetters(limit?: number): Promise<DeadLetter[]>; outboxSize(): Promise<number> } {
  const keys = writebackKeys(prefix);
  const { portals } = redisKeys(prefix);

  return {
    keys,

    oldest: (limit, now) => oldest(redis, keys, portals, limit, now),
    states: (records) => states(redis, prefix, records),

    async writtenOutcomes(fields) {
      return perPortal(fields, fieldPortal, (portalId, own) => redis.hmget(keys.writtenOutcomes(portalId), ...own));
    },

    async writtenRecords(records) {
      return perPortal(records, (r) => r.portalId, (portalId, own) => redis.hmget(keys.writtenRecords(portalId), ...own.map(recordRefKey)));
    },

    finish: (done) => finish(redis, prefix, done),

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
      return (await acrossPortals(redis, portals, (portalId) => redis.zcard(keys.outbox(portalId)))).reduce((a, b) => a + b, 0);
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
      if (requeue.length > 0) await listPortal(redis, keys.portals, portalId);
      const multi = redis.multi();
      if (changes.set.size > 0) multi.hset(keys.overLimit(portalId), Object.fromEntries(changes.set));
      if (changes.drop.length > 0) multi.hdel(keys.overLimit(portalId), ...changes.drop);
      for (const key of requeue) multi.zadd(keys.outbox(portalId), Math.floor(now), key);
      await multi.exec();
    },
  };
}

/** The oldest outbox entries, up to `limit`, shared among the portals (portal-walk.ts). */
async function oldest(redis: RedisClient, keys: WritebackKeys, portals: string, limit: number, now: number): Promise<OutboxEntry[]> {
  const entries = await sharedLowest(redis, portals, limit, (portalId, offset, count) => scoredPage(redis, keys.outbox(portalId), now, offset, count));
  return entries.flatMap(({ key, score }): OutboxEntry[] => {
    const record = parseRecordKey(key);
    return record ? [{ record, score }] : [];
  });
}

/**
 * The records' states with every outcome, archived ones too: the billing properties count them all
 * (docs/decisions.md, "Bounded state"). One pipeline per portal: a pipeline's keys share a slot on a cluster.
 */
async function states(redis: RedisClient, prefix: string, records: readonly RecordRef[]): ReturnType<WritebackStore['states']> {
  if (records.length === 0) return [];
  const { state: stateKey, archive: archiveKey } = redisKeys(prefix);
  const answers = await perPortal(records, (r) => r.portalId, async (_, own) => {
    const pipeline = redis.pipeline();
    for (const record of own) pipeline.hmget(stateKey(record), 'v', 's').hvals(archiveKey(record));
    const replies = await readAll(pipeline);
    return own.map((__, k) => [replies[2 * k] as (string | null)[], replies[2 * k + 1] as string[]] as const);
  });
  return answers.map(([[v, s], archived]) => {
    const state = s === null || s === undefined ? null : decodeRecord(s);
    if (state) state.outcomes = withArchived(state.outcomes, archived.map(decodeOutcome));
    return { version: v === null || v === undefined ? 0 : Number(v), state };
  });
}

type Finished = Parameters<WritebackStore['finish']>[0];

/**
 * One script call per portal: its outbox, marks and records' states share its slot. Each portal's part
 * is atomic on its own, which is all the compare-and-remove needs (an entry is one record's).
 */
async function finish(redis: RedisClient, prefix: string, done: Finished): Promise<number> {
  const keys = writebackKeys(prefix);
  const byPortal = new Map<number, { outcomes: Finished['outcomes'][number][]; records: Finished['records'][number][]; remove: Finished['remove'][number][] }>();
  const of = (portalId: number) => byPortal.get(portalId) ?? byPortal.set(portalId, { outcomes: [], records: [], remove: [] }).get(portalId)!;
  for (const o of done.outcomes) of(fieldPortal(o[0])).outcomes.push(o);
  for (const r of done.records) of(r[0].portalId).records.push(r);
  for (const r of done.remove) of(r.entry.record.portalId).remove.push(r);
  const removed = await Promise.all(
    [...byPortal].map(([portalId, part]) => {
      const { stateKeys, args } = finishArgs(part, redisKeys(prefix).state);
      return runScript(redis, SCRIPTS.writebackFinish, [keys.outbox(portalId), keys.writtenOutcomes(portalId), keys.writtenRecords(portalId), ...stateKeys], args);
    }),
  );
  return removed.reduce((x, y) => x + y, 0);
}

/** The portal of a written-outcome field, `portal|outcome id` (writtenOutcomeField). */
const fieldPortal = (field: string): number => Number(field.slice(0, field.indexOf('|')));

/** Reads items portal by portal, all portals at once (each portal's call in its own slot): `read` answers one reply per item of `own`, in order; the replies come back in the items' order. */
async function perPortal<T, R>(items: readonly T[], portalOf: (item: T) => number, read: (portalId: number, own: T[]) => Promise<R[]>): Promise<R[]> {
  const groups = new Map<number, number[]>();
  items.forEach((item, i) => groups.set(portalOf(item), [...(groups.get(portalOf(item)) ?? []), i]));
  const out: R[] = new Array<R>(items.length);
  await Promise.all(
    [...groups].map(async ([portalId, indexes]) => {
      const replies = await read(portalId, indexes.map((i) => items[i]!));
      indexes.forEach((itemIndex, k) => (out[itemIndex] = replies[k]!));
    }),
  );
  return out;
}

/** The finish script's ARGV, in its header's order, and the state key of each record it may take off the outbox. */
function finishArgs(done: Pick<Parameters<WritebackStore['finish']>[0], 'outcomes' | 'records' | 'remove'>, stateKey: (r: RecordRef) => string): { stateKeys: string[]; args: (string | number)[] } {
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
