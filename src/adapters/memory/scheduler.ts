// A record scheduler that only remembers its wake-ups: use-case tests read what a run asked for and run it themselves.
import type { RecordRef, RecordScheduler } from '../../app/ports.ts';

export interface MemoryScheduler extends RecordScheduler {
  /** Every wake-up asked for, in order (repeats included: folding them into one job is the queue's business). */
  readonly wakes: readonly { readonly record: RecordRef; readonly at: number }[];
  clear(): void;
}

export function createMemoryScheduler(): MemoryScheduler {
  const wakes: { record: RecordRef; at: number }[] = [];
  return {
    wakes,
    clear() {
      wakes.length = 0;
    },
    async wake(record, at) {
      wakes.push({ record, at });
    },
    async wakeMany(items) {
      wakes.push(...items);
    },
  };
}
