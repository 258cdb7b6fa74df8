// Lifecycle tables: what a press is, and the version in force at its time that an attempt is pinned to (§3).
import { describe, it } from 'vitest';
import { iso } from '../../support/scenario.ts';
import { checkCase, closed, EXCLUDE_TEST, K, keyOf, NY, press, put, v2, TRIGGER, WHEN } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

const pressCases: Case[] = [
  { rule: '§3 press: any non-empty value is a press', steps: [press(0, '1', 'anything at all')], until: 1, expect: [{ status: 'open', openedAt: iso(0) }] },
  {
    rule: '§3 press: setting the trigger to its current value is a press',
    records: [{ id: '1', properties: { [TRIGGER]: 'x' } }],
    steps: [press(0)],
    until: 1,
    expect: [{ status: 'open', tries: 1 }],
  },
  {
    rule: '§3 press: the same value set again is another press',
    criteria: [{ retry_window: '30m' }],
    steps: [press(0), press(10)],
    until: 11,
    expect: [{ status: 'open', tries: 2 }],
  },
  {
    rule: '§3 press: clearing the trigger is not a press',
    records: [{ id: '1', properties: { [TRIGGER]: 'x' } }],
    steps: [put(0, { [TRIGGER]: '' })],
    expect: [],
  },
  { rule: '§3 press: a signal on another property is not a press', steps: [closed(0), put(1, { agent_action: 'resolve' })], expect: [] },
  {
    rule: '§3 press: when holds after the signal → press',
    criteria: [{ trigger: WHEN }],
    records: [{ id: '1', properties: { agent_action: 'resolve' } }],
    steps: [press(0)],
    until: 1,
    expect: [{ status: 'open' }],
  },
  {
    rule: '§3 press: when does not hold after the signal → not a press',
    criteria: [{ trigger: WHEN }],
    records: [{ id: '1', properties: { agent_action: 'other' } }],
    steps: [press(0)],
    expect: [],
  },
  {
    rule: '§3 press: when made true by an earlier signal at the same instant → press',
    criteria: [{ trigger: WHEN }],
    steps: [put(0, { agent_action: 'resolve' }), press(0)],
    until: 1,
    expect: [{ status: 'open', openedAt: iso(0) }],
  },
  {
    rule: '§3 press: when made true only by a later signal (even at the same instant) → not a press',
    criteria: [{ trigger: WHEN }],
    steps: [press(0), put(0, { agent_action: 'resolve' }), put(5, { agent_action: 'resolve' })],
    expect: [],
  },
  {
    rule: '§3 press: when may read the value the signal itself sets',
    criteria: [{ trigger: { property: TRIGGER, when: `${TRIGGER} = 'go'` } }],
    steps: [press(0, '1', 'go'), press(10, '1', 'no')],
    until: 11,
    expect: [{ outcomeId: `${K}#1`, openedAt: iso(0), tries: 1 }],
  },
  {
    rule: '§3 press: no press before any version is in force',
    criteria: [{ effective_from: iso(30) }],
    steps: [press(0), closed(1)],
    expect: [],
  },
  {
    rule: '§3 press: a press exactly at effective_from is in force (effective_from ≤ t)',
    criteria: [{ effective_from: iso(30) }],
    steps: [press(0), press(30)],
    until: 31,
    expect: [{ outcomeId: `${K}#1`, openedAt: iso(30), criteriaVersion: 1 }],
  },
  {
    rule: '§3 press: the trigger of the version in force at t decides (v2 renames it: v1’s property no longer presses, v2’s retries the v1 attempt)',
    criteria: [{ retry_window: '1h' }, v2(5, { trigger: { property: 'agent_run_id' }, retry_window: '1h' })],
    steps: [press(0), press(10), put(20, { agent_run_id: 'r2' })],
    until: 21,
    expect: [{ outcomeId: `${K}#1`, criteriaVersion: 1, tries: 2, deadline: iso(80) }],
  },
  {
    rule: '§3 press: a press on another object type (same id) is not a press of ticket criteria',
    steps: [{ at: 0, objectType: 'contact', set: { [TRIGGER]: 'x' } }],
    expect: [],
  },
  {
    rule: '§3 press: each criteria id watching the object gets its own attempt and key',
    criteria: [{}, { id: 'triage', success: "priority = 'high'" }],
    steps: [press(0), closed(5)],
    until: 10,
    expect: [
      { outcomeId: `${keyOf('2026-11-03', '1', 'resolve')}#1`, status: 'billable' },
      { outcomeId: `${keyOf('2026-11-03', '1', 'triage')}#1`, status: 'open' },
    ],
  },
];

describe('§3 press', () => it.each(pressCases)('$rule', checkCase));

const versionCases: Case[] = [
  {
    rule: '§3 versions: the version in force at t is the highest version with effective_from ≤ t',
    criteria: [{}, v2(30), { version: 3, change_notes: 'Third.', effective_from: '2026-12-01T00:00:00Z' }],
    steps: [press(0), press(29), press(30)],
    until: 31,
    expect: [
      { outcomeId: `${K}#1`, criteriaVersion: 1 },
      { outcomeId: `${K}#2`, criteriaVersion: 1 },
      { outcomeId: `${K}#3`, criteriaVersion: 2 },
    ],
  },
  {
    rule: '§3 pinning: an attempt opened under v1 keeps v1 within after v2 takes effect',
    criteria: [{}, v2(5, { within: '10m' })],
    steps: [press(0), press(6), closed(30)],
    expect: [
      { outcomeId: `${K}#1`, criteriaVersion: 1, status: 'billable', succeededAt: iso(30) },
      { outcomeId: `${K}#2`, criteriaVersion: 2, status: 'not_billable', reason: 'latency_breach', settledAt: iso(16) },
    ],
  },
  {
    rule: '§3 pinning: v1 review_window 0 still settles at once after v2 (review 1h) takes effect',
    criteria: [{}, v2(5, { review_window: '1h' })],
    steps: [press(0), closed(20)],
    expect: [{ criteriaVersion: 1, status: 'billable', settledAt: iso(20) }],
  },
  {
    rule: '§3 pinning: v1 review_window 1h still applies after v2 (no review) takes effect',
    criteria: [{ review_window: '1h' }, v2(5)],
    steps: [press(0), closed(20)],
    expect: [{ criteriaVersion: 1, status: 'billable', succeededAt: iso(20), settledAt: iso(80) }],
  },
  {
    rule: '§3 pinning: each attempt is judged by its own version’s success condition',
    criteria: [{}, v2(5, { success: "stage = 'done'" })],
    steps: [press(0), closed(20), press(30), put(40, { stage: 'done' })],
    expect: [
      { outcomeId: `${K}#1`, criteriaVersion: 1, status: 'billable', succeededAt: iso(20) },
      { outcomeId: `${K}#2`, criteriaVersion: 2, status: 'billable', succeededAt: iso(40) },
    ],
  },
  {
    rule: '§3 pinning: an exclusion added in v2 does not apply to a v1 attempt',
    criteria: [{}, v2(5, { exclude: EXCLUDE_TEST })],
    steps: [press(0), put(10, { subject: 'test' }), closed(20)],
    expect: [{ criteriaVersion: 1, status: 'billable' }],
  },
  {
    rule: '§3 steps 1-2 use the latest attempt’s pinned cooldown (v1 10m, v2 0): suppressed',
    criteria: [{ cooldown: '10m', retry_window: '30m' }, v2(3, { retry_window: '30m' })],
    steps: [press(0), press(5)],
    until: 6,
    expect: [{ criteriaVersion: 1, tries: 1, suppressed: 1 }],
  },
  {
    rule: '§3 steps 1-2 use the latest attempt’s pinned cooldown (v1 0, v2 10m): a retry',
    criteria: [{ retry_window: '30m' }, v2(3, { cooldown: '10m', retry_window: '30m' })],
    steps: [press(0), press(5)],
    until: 6,
    expect: [{ criteriaVersion: 1, tries: 2, suppressed: 0 }],
  },
  {
    rule: '§3 steps 1-2 use the latest attempt’s pinned retry_window (v1 30m, v2 0): a retry',
    criteria: [{ retry_window: '30m' }, v2(5)],
    steps: [press(0), press(20)],
    until: 21,
    expect: [{ criteriaVersion: 1, tries: 2 }],
  },
  {
    rule: '§3 steps 1-2 use the latest attempt’s pinned retry_window (v1 0, v2 30m): a new attempt under v2',
    criteria: [{}, v2(5, { retry_window: '30m' })],
    steps: [press(0), press(20)],
    until: 21,
    expect: [
      { outcomeId: `${K}#1`, criteriaVersion: 1, tries: 1 },
      { outcomeId: `${K}#2`, criteriaVersion: 2, tries: 1 },
    ],
  },
  {
    rule: '§3 step 2 uses the latest attempt’s pinned within for the retry deadline',
    criteria: [{ retry_window: '2h' }, v2(5, { within: '10m', retry_window: '2h' })],
    steps: [press(0), press(20)],
    until: 30,
    expect: [{ criteriaVersion: 1, status: 'open', tries: 2, deadline: iso(80) }],
  },
  {
    rule: '§3 versions: a bare-date effective_from is midnight in the version’s timezone (America/New_York)',
    criteria: [{}, { version: 2, change_notes: 'Second version.', timezone: NY, effective_from: '2026-11-04' }],
    steps: [press('2026-11-04T04:59:00Z'), press('2026-11-04T05:00:00Z')],
    until: '2026-11-04T05:01:00Z',
    expect: [
      { idempotencyKey: keyOf('2026-11-04'), criteriaVersion: 1 },
      { idempotencyKey: keyOf('2026-11-04'), criteriaVersion: 2 },
    ],
  },
  {
    rule: '§3 versions: the key’s bucket uses the timezone of the version in force at t',
    criteria: [{}, v2(5, { timezone: NY })],
    steps: [press('2026-11-04T03:00:00Z')],
    until: '2026-11-04T03:01:00Z',
    expect: [{ idempotencyKey: keyOf('2026-11-03'), criteriaVersion: 2 }],
  },
  {
    rule: '§3 pinning: a v1 attempt is billed in v1’s timezone after v2 (Asia/Tokyo) takes effect',
    criteria: [{}, { ...v2('2026-11-30T23:25:00Z'), timezone: 'Asia/Tokyo' }],
    steps: [press('2026-11-30T23:20:00Z'), closed('2026-11-30T23:30:00Z')],
    expect: [{ criteriaVersion: 1, idempotencyKey: keyOf('2026-11-30'), status: 'billable', billingPeriod: '2026-11' }],
  },
  {
    rule: '§3 versions: the key is computed with the version in force at t (v2 hour buckets)',
    criteria: [{ retry_window: '30m' }, v2(5, { idempotency_period: 'hour', retry_window: '30m' })],
    steps: [press(0), press(20)],
    until: 21,
    expect: [
      { outcomeId: `${K}#1`, criteriaVersion: 1, tries: 1 },
      { outcomeId: `${keyOf('2026-11-03T10')}#1`, criteriaVersion: 2, tries: 1 },
    ],
  },
];

describe('§3 versions and pinning', () => it.each(versionCases)('$rule', checkCase));
