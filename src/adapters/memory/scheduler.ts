// A record scheduler that only remembers its wake-ups and rescues: use-case tests read what a run asked for and run it themselves.
import { recordRefKey } from '../../app/ports.ts';
import type { JobStanding, RecordRef, RecordScheduler, RescueScheduler } from '../../app/ports.ts';

type Wake = { readonly record: RecordRef; readonly at: number };

export interface MemoryScheduler extends RecordScheduler, RescueScheduler {
  /** Every wake-up asked for, in order (repeats included: folding them into one job is the queue's business). */
  readonly wakes: readonly Wake[];
  /** Every rescue asked for, with its sweep slot, in order (repeats included; an empty one asks for nothing). */
  readonly rescues: readonly { readonly items: readonly Wake[]; readonly slot: number }[];
  /** Puts a record's own job for `at` where the test wants it, as the queue would report it. */
  setStanding(record: RecordRef, at: number, standing: JobStanding): void;
  /** Forgets the wake-ups and rescues asked for so far: a job woken before then counts as run ('gone'). */
  clear(): void;
}

/** A record's own job is one per (record, event time), as the queue's job id is. */
const jobKey = (record: RecordRef, at: number): string => `${recordRefKey(record)}@${at}`;

export function createMemoryScheduler(): MemoryScheduler {
  const wakes: Wake[] = [];
  const rescues: { items: Wake[]; slot: number }[] = [];
  const standings = new Map<string, JobStanding>();
  return {
    wakes,
    rescues,
    setStanding(record, at, standing) {
      standings.set(jobKey(record, at), standing);
    },
    clear() {
      wakes.length = 0;
      rescues.length = 0;
    },
    async wake(record, at) {
      wakes.push({ record, at });
    },
    async wakeMany(items) {
      wakes.push(...items);
    },
    async rescue(items, slot) {
      if (items.length > 0) rescues.push({ items: [...items], slot });
    },
    async jobStanding(record, at) {
      const key = jobKey(record, at);
      // No job runs here: one woken and not cleared is still waiting, as a delayed job in the queue is.
      return standings.get(key) ?? (wakes.some((w) => jobKey(w.record, w.at) === key) ? 'queued' : 'gone');
    },
  };
}
