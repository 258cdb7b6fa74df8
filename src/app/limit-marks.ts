// Use case: which of a portal's outcomes are over their budget limit now (contract §8), read off its whole ledger, for the write-back and the card; and the records a change of them puts back in the outbox.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { overLimitOf } from '../core/ledger-view.ts';
import { portalOutcomes } from './ledger-outcomes.ts';
import { recordRefKey } from './ports.ts';
import type { LedgerStore } from './ledger-outcomes.ts';
import type { SignalStore } from './ports.ts';
import type { WritebackStore } from './writeback-ports.ts';

/** A portal's outcomes over limit now, and which records hold them. */
export interface OverLimitMarks {
  readonly outcomes: ReadonlySet<string>;
  /** Record key -> its over-limit outcome ids, sorted and comma-joined; a record with none is absent. */
  readonly records: ReadonlyMap<string, string>;
}

/** The ids of a portal's outcomes over limit, as the invoice rates them now. */
export interface OverLimitReader {
  overLimit(portalId: number): Promise<ReadonlySet<string>>;
  /** The same with the records that hold them; null, reading nothing, when no version sets a limit. */
  marks?(portalId: number): Promise<OverLimitMarks | null>;
}

const NONE: ReadonlySet<string> = new Set();

/** Whether any version of the criteria sets a limit: without one, nothing can be over it. */
export const anyLimit = (criteria: CriteriaSet): boolean => criteria.versions().some((v) => v.budget !== null && v.budget.limitMinor !== null);

/**
 * Over limit depends on every outcome of an id's period, on any record, in settlement order: a record's
 * own state cannot say it, and an outcome processed late may settle earlier than others. So it is read
 * off the portal's whole ledger, as `invoice` and `simulate` read it; without a limit in the criteria
 * this reads nothing.
 */
export function overLimitFromLedger(store: Pick<SignalStore, 'listRecords'> & LedgerStore, criteria: () => CriteriaSet): OverLimitReader {
  const marks = async (portalId: number): Promise<OverLimitMarks | null> => {
    const set = criteria();
    if (!anyLimit(set)) return null;
    const outcomes = await portalOutcomes(store, portalId);
    const over = overLimitOf(outcomes, set);
    const byRecord = new Map<string, string[]>();
    for (const o of outcomes) {
      if (!over.has(o.outcomeId)) continue;
      const key = recordRefKey({ portalId, objectType: o.objectType, recordId: o.recordId });
      byRecord.set(key, [...(byRecord.get(key) ?? []), o.outcomeId]);
    }
    return { outcomes: over, records: new Map([...byRecord].map(([key, ids]) => [key, ids.sort().join(',')])) };
  };
  return {
    async overLimit(portalId) {
      return (await marks(portalId))?.outcomes ?? NONE;
    },
    marks,
  };
}

/**
 * Puts back in the outbox every record of the portal whose over-limit outcomes differ from those the
 * last drain saved, and saves these (docs/decisions.md, "Budget limits"). A record's commit can move
 * another record's outcome across the limit (it settled earlier but was processed later), and only
 * the committed record is in the outbox: this is how the other one is written again. Records `inRun`
 * are being written with these marks already. Drains run one at a time (the drain lock), so each
 * compares its marks with the previous drain's: a record whose marks keep changing is put back each
 * time, and the drain that writes it reads the ledger as it is then.
 */
export async function requeueChangedMarks(store: Pick<WritebackStore, 'overLimitMarks' | 'saveOverLimitMarks'>, portalId: number, marks: OverLimitMarks, inRun: ReadonlySet<string>, now: number): Promise<number> {
  const saved = await store.overLimitMarks(portalId);
  const set = new Map([...marks.records].filter(([key, ids]) => saved.get(key) !== ids));
  const drop = [...saved.keys()].filter((key) => !marks.records.has(key));
  const requeue = [...set.keys(), ...drop].filter((key) => !inRun.has(key)).sort();
  if (set.size > 0 || drop.length > 0) await store.saveOverLimitMarks(portalId, { set, drop }, requeue, now);
  return requeue.length;
}

/** Sets `overLimit` on these outcomes of one portal from the marks. */
export function applyOverLimit(outcomes: Iterable<Outcome>, marks: ReadonlySet<string>): void {
  for (const o of outcomes) o.overLimit = marks.has(o.outcomeId);
}
