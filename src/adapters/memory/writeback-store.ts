// The write-back store in memory, over the memory signal store's outbox and records, as the Redis one works on the keys the commit script fills.
import { recordRefKey } from '../../app/ports.ts';
import type { DeadLetter, OutboxEntry, WritebackStore } from '../../app/writeback-ports.ts';
import type { MemorySignalStore } from './signal-store.ts';
import { withArchived } from '../../app/ledger-outcomes.ts';

/** As in Redis: the list keeps the newest letters only, so it cannot grow without bound. */
export const DEAD_LETTER_CAP = 10_000;

export interface MemoryWritebackStore extends WritebackStore {
  /** The newest dead letters first, as the Redis list keeps them. */
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  outboxSize(): Promise<number>;
}

/** Built over the signal store whose commits fill the outbox: a write-back store reads what those commits put there. */
export function createMemoryWritebackStore(signals: MemorySignalStore): MemoryWritebackStore {
  const { outbox, record } = signals.outboxShare;
  const writtenOutcomes = new Map<string, string>();
  const writtenRecords = new Map<string, string>();
  const overLimit = new Map<number, Map<string, string>>();
  // JSON, newest first, as Redis stores the list: each reader gets its own copy.
  let letters: string[] = [];
  return {
    async oldest(limit, now) {
      return outbox.upTo(now, Math.max(0, limit)).map(([key, score]): OutboxEntry => ({ record: { ...record(key)!.ref }, score: String(score) }));
    },
    async states(records) {
      return records.map((ref) => {
        const r = record(recordRefKey(ref));
        const state = r?.state == null ? null : structuredClone(r.state);
        // Archived outcomes count in the billing properties as in Redis.
        if (state && r) state.outcomes = withArchived(state.outcomes, [...r.archive.values()].map((o) => structuredClone(o)));
        return { version: r?.version ?? 0, state };
      });
    },
    async writtenOutcomes(fields) {
      return fields.map((f) => writtenOutcomes.get(f) ?? null);
    },
    async writtenRecords(records) {
      return records.map((r) => writtenRecords.get(recordRefKey(r)) ?? null);
    },
    async finish(done) {
      for (const [field, hash] of done.outcomes) writtenOutcomes.set(field, hash);
      for (const [ref, hash] of done.records) writtenRecords.set(recordRefKey(ref), hash);
      let removed = 0;
      for (const { entry, version } of done.remove) {
        const key = recordRefKey(entry.record);
        // A newer change (a new score, or a new version within the same millisecond) keeps the entry for the next drain.
        const score = outbox.score(key);
        if (score === undefined || score !== Number(entry.score) || (record(key)?.version ?? 0) !== version) continue;
        outbox.delete(key);
        removed++;
      }
      return removed;
    },
    async deadLetter(added) {
      // LPUSH order: the last letter of a call ends up first.
      if (added.length > 0) letters = [...added.map((l) => JSON.stringify(l)).reverse(), ...letters].slice(0, DEAD_LETTER_CAP);
    },
    async deadLetters(limit = 100) {
      return letters.slice(0, limit).map((s) => JSON.parse(s) as DeadLetter);
    },
    async overLimitMarks(portalId) {
      return new Map(overLimit.get(portalId));
    },
    async saveOverLimitMarks(portalId, changes, requeue, now) {
      const marks = overLimit.get(portalId) ?? new Map<string, string>();
      for (const [key, ids] of changes.set) marks.set(key, ids);
      for (const key of changes.drop) marks.delete(key);
      overLimit.set(portalId, marks);
      for (const key of requeue) outbox.set(key, Math.floor(now));
    },
    async outboxSize() {
      return outbox.size;
    },
  };
}
