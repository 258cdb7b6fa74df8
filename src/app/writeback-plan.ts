// What a write-back run sends (pure): from each record's state and the hashes of what was last written, the billing properties, verification logs and associations still to write.
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import type { RecordState } from '../core/engine/record-state.ts';
import type { Price } from '../core/price.ts';
import { billingProperties, contentHash, verificationLogProperties } from './writeback-payloads.ts';
import type { OutboxEntry } from './writeback-ports.ts';

/** An outbox entry being written. */
export interface Work {
  readonly entry: OutboxEntry;
  /** The record's state version the writes were computed from. */
  readonly version: number;
  /** Something of this record was not written and is worth sending again: its entry stays. */
  retry: boolean;
}

export interface RecordWrite {
  readonly work: Work;
  readonly properties: Record<string, string>;
  readonly hash: string;
}

export interface LogCandidate {
  readonly work: Work;
  readonly outcome: Outcome;
  readonly properties: Record<string, string>;
  readonly hash: string;
  /** Where the hash of what was written is kept (`writtenOutcomeField`). */
  readonly field: string;
}

export interface LogWrite extends LogCandidate {
  /** Never fully written before: once upserted, it still needs its association. */
  readonly firstWrite: boolean;
  /** The log's HubSpot id as last written, kept when HubSpot refuses this write for good. */
  readonly logId: string | null;
}

/** A log upserted (this run or earlier) whose association with its record is still to make. */
export interface PendingAssociation {
  readonly work: Work;
  readonly logId: string;
  readonly field: string;
  readonly hash: string;
  readonly outcomeId: string;
}

/**
 * What the written-outcomes hash holds per outcome: `log:{log id}:{hash}` once the log is written and
 * associated (a bare hash, from before the id was kept, reads as written with no id), or
 * `assoc:{log id}:{hash}` while the log is upserted but its association still waits. The log's id is
 * kept for links to it (the card's `verificationLogUrl`); HubSpot never changes it, the upsert being by outcome id.
 */
type WrittenMark = { kind: 'none' } | { kind: 'written'; logId: string | null; hash: string } | { kind: 'upserted'; logId: string; hash: string };

export const upsertedMark = (logId: string, hash: string): string => `assoc:${logId}:${hash}`;
export const writtenMark = (logId: string | null, hash: string): string => (logId === null ? hash : `log:${logId}:${hash}`);

function readMark(value: string | null): WrittenMark {
  if (value === null) return { kind: 'none' };
  const m = /^(assoc|log):([^:]+):(.+)$/.exec(value);
  if (!m) return { kind: 'written', logId: null, hash: value };
  return m[1] === 'assoc' ? { kind: 'upserted', logId: m[2]!, hash: m[3]! } : { kind: 'written', logId: m[2]!, hash: m[3]! };
}

/** The HubSpot record id of an outcome's verification log, from its written-outcomes mark; null until it is upserted. */
export const logIdOfMark = (value: string | null): string | null => {
  const mark = readMark(value);
  return mark.kind === 'none' ? null : mark.logId;
};

/** Outcome ids are unique within a portal; the written-hash field carries the portal too. */
export const writtenOutcomeField = (portalId: number, outcomeId: string): string => `${portalId}|${outcomeId}`;

/** The billing properties to send: each record with outcomes whose properties differ from those last written. */
export function recordWrites(works: readonly Work[], states: readonly (RecordState | null)[], lastWritten: readonly (string | null)[]): RecordWrite[] {
  return works.flatMap((work, i) => {
    const state = states[i];
    const properties = state ? billingProperties(state) : null;
    if (properties === null) return [];
    const hash = contentHash(properties);
    return hash === lastWritten[i] ? [] : [{ work, properties, hash }];
  });
}

/** Every outcome's verification log as it reads now (prices from the pinned versions, for the amount). */
export function logCandidates(works: readonly Work[], states: readonly (RecordState | null)[], criteria: CriteriaSet): LogCandidate[] {
  return works.flatMap((work, i) =>
    (states[i]?.outcomes ?? []).map((outcome) => {
      const properties = verificationLogProperties(outcome, priceOf(criteria, outcome));
      return { work, outcome, properties, hash: contentHash(properties), field: writtenOutcomeField(work.entry.record.portalId, outcome.outcomeId) };
    }),
  );
}

/**
 * Sorts the candidates by what their written-outcomes mark says: unchanged logs drop out, logs upserted
 * earlier whose association did not go through need only the association, the rest are upserted.
 */
export function logWork(candidates: readonly LogCandidate[], marks: readonly (string | null)[]): { logs: LogWrite[]; associations: PendingAssociation[] } {
  const logs: LogWrite[] = [];
  const associations: PendingAssociation[] = [];
  candidates.forEach((c, i) => {
    const mark = readMark(marks[i] ?? null);
    if (mark.kind === 'written' && mark.hash === c.hash) return;
    if (mark.kind === 'upserted' && mark.hash === c.hash) associations.push({ work: c.work, logId: mark.logId, field: c.field, hash: c.hash, outcomeId: c.outcome.outcomeId });
    else logs.push({ ...c, firstWrite: mark.kind !== 'written', logId: mark.kind === 'none' ? null : mark.logId });
  });
  return { logs, associations };
}

function priceOf(criteria: CriteriaSet, o: Outcome): Price | null {
  try {
    return criteria.get(o.criteriaId, o.criteriaVersion).price;
  } catch {
    // A version no longer loaded: the log is still written, without an amount.
    return null;
  }
}
