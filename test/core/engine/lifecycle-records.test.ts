// Lifecycle tables: a record deleted, merged away or restored reads as having no known properties (§3).
import { describe, it } from 'vitest';
import { iso } from '../../support/scenario.ts';
import { checkCase, closed, press, WHEN } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

const GONE_REASONS = [{ if: 'hs_object_id IS UNKNOWN', reason: 'duplicate_or_merge_required' }];

const deletionCases: Case[] = [
  {
    rule: '§3 deletion (engine reads a record that no longer exists as having no known properties): an in-review success reverses',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5), { at: 10, kind: 'deleted' }],
    expect: [{ status: 'not_billable', reason: 'reversed', succeededAt: iso(5), settledAt: iso(10) }],
  },
  {
    rule: '§3 deletion (no known properties): an open attempt cannot succeed while the record is deleted',
    steps: [press(0), { at: 5, kind: 'deleted' }, closed(10)],
    expect: [{ status: 'not_billable', reason: 'latency_breach', succeededAt: null, settledAt: iso(60) }],
  },
  {
    rule: '§3 deletion (no known properties): failure_reasons see the deleted record as unknown',
    criteria: [{ failure_reasons: GONE_REASONS }],
    records: [{ id: '1', properties: { hs_object_id: '1' } }],
    steps: [press(0), { at: 5, kind: 'deleted' }],
    expect: [{ status: 'not_billable', reason: 'duplicate_or_merge_required', settledAt: iso(60) }],
  },
  {
    rule: '§3 deletion (no known properties): an IS UNKNOWN exclusion matches, before the reversal',
    criteria: [{ review_window: '1h', exclude: [{ if: 'hs_object_id IS UNKNOWN', label: 'deleted' }] }],
    records: [{ id: '1', properties: { hs_object_id: '1' } }],
    steps: [press(0), closed(5), { at: 10, kind: 'deleted' }],
    expect: [{ status: 'not_billable', reason: 'excluded', label: 'deleted', settledAt: iso(10) }],
  },
  {
    rule: '§3 deletion (no known properties): a press whose when reads the deleted record is not a press',
    criteria: [{ trigger: WHEN }],
    records: [{ id: '1', properties: { agent_action: 'resolve' } }],
    steps: [{ at: 0, kind: 'deleted' }, press(5)],
    expect: [],
  },
  {
    rule: '§3 merge (merged-away record has no known properties): an in-review success reverses',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5), { at: 10, mergedInto: '2' }],
    expect: [{ status: 'not_billable', reason: 'reversed', settledAt: iso(10) }],
  },
  {
    rule: '§3 merge (merged-away record has no known properties): failure reason from an IS UNKNOWN rule',
    criteria: [{ failure_reasons: GONE_REASONS }],
    records: [{ id: '1', properties: { hs_object_id: '1' } }],
    steps: [press(0), { at: 5, mergedInto: '2' }],
    expect: [{ status: 'not_billable', reason: 'duplicate_or_merge_required' }],
  },
  {
    rule: '§3 settlement: a deletion after the outcome settled billable changes nothing (only a dispute can)',
    steps: [press(0), closed(5), { at: 10, kind: 'deleted' }],
    expect: [{ status: 'billable', settledAt: iso(5) }],
  },
  {
    rule: '§3 merge: the surviving record (merged) keeps its properties',
    criteria: [{ review_window: '1h' }],
    steps: [press(0), closed(5), { at: 10, kind: 'merged' }],
    expect: [{ status: 'billable', settledAt: iso(65) }],
  },
  {
    rule: '§3 restore: properties (including changes while deleted) are visible again',
    steps: [press(0), { at: 5, kind: 'deleted' }, closed(10), { at: 15, kind: 'restored' }],
    expect: [{ status: 'billable', succeededAt: iso(15), settledAt: iso(15) }],
  },
];

describe('deletion, merge, restore', () => it.each(deletionCases)('$rule', checkCase));
