// Issue 8: the backtest over real Redis equals `simulate` run by hand on `export`'s files with the draft added (docs/criteria.md's recipe).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCriteriaRegistry } from '../../src/adapters/redis/criteria-registry.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { createBacktest } from '../../src/app/backtest.ts';
import type { BacktestView } from '../../src/app/backtest.ts';
import { knownOf } from '../../src/app/criteria-changes.ts';
import { buildCriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../src/core/criteria/parse-file.ts';
import type { OutcomeView } from '../../src/core/ledger-view.ts';
import type { Signal } from '../../src/core/types.ts';
import { cli, tempFile } from '../support/cli.ts';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';

const PORTAL = 62515;
const DAY = 86_400_000;
const MIN = 60_000;
const NOW = Date.parse('2026-12-03T00:00:00Z');
const FROM = NOW - 20 * DAY;
const version = (v: number, from: string, within: string, extra = '') =>
  `  - { id: resolve, version: ${v}, name: Ticket resolved, owner: ops@example.com, effective_from: "${from}", object: ticket,${extra}
      trigger: { property: agent_started_at }, success: "stage = 'closed'", within: ${within}, exclude: [{ if: "subject CONTAINS 'test'", label: test_record }],
      price: { currency: USD, model: flat, unit_amount: "1.00" } }\n`;
const CRITERIA = `criteria:\n${version(1, '2026-01-01T00:00:00Z', '1h')}`;
const DRAFT = version(2, '2026-12-10T00:00:00Z', '3h', ' change_notes: Looser,').replace(/^ {2}- /, '').replace(/\n {6}/g, ' ');

// Ten tickets: a press every other day from 25 days ago (three before the window), closed 30 min, 2 h or never after; ticket 5 is a test.
function signals(): Signal[] {
  const out: Signal[] = [];
  for (let r = 0; r < 10; r++) {
    const at = NOW - 25 * DAY + r * 2 * DAY + 3_600_000;
    const s = (dt: number, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: String(r + 1), at: at + dt, property, value, ref: `bt:${r}:${property}` });
    if (r === 4) out.push(s(-MIN, 'subject', 'a test ticket'));
    out.push(s(0, 'agent_started_at', String(at)));
    if (r % 3 !== 2) out.push(s((r % 3 === 0 ? 30 : 120) * MIN, 'stage', 'closed'));
  }
  return out;
}

let redis: Redis;
let prefix: string;
let view: BacktestView;
let files: { dir: string; events: string; actions: string; criteria: string };

beforeAll(async () => {
  redis = connect();
  prefix = testPrefix('backtest');
  const parsed = parseCriteriaText(CRITERIA);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const versions = parsed.versions.map((v) => ({ ...v, source: 'criteria.yaml' }));
  const set = buildCriteriaSet(versions);
  if (!set.ok) throw new Error(JSON.stringify(set.problems));
  await createCriteriaRegistry(redis, prefix).write(versions.map(knownOf));
  const store = createRedisSignalStore(redis, prefix);
  await store.ingest(PORTAL, signals().map((signal) => ({ identity: signal.ref!, signal })));
  const draftYaml = DRAFT;
  const answer = await createBacktest({ store, criteria: () => set.set, retentionMs: 35 * DAY, clock: () => NOW }).run({ portalId: PORTAL, draftYaml, from: FROM, to: NOW });
  if (answer.kind !== 'ok') throw new Error(JSON.stringify(answer));
  view = answer.view;
  const events = tempFile('events.json', '', 'ob-backtest-');
  const dir = dirname(events);
  files = { dir, events, actions: join(dir, 'actions.json'), criteria: join(dir, 'criteria.yaml') };
});

afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
  rmSync(files.dir, { recursive: true, force: true });
});

/** The window's outcomes of a simulate run on the exported files: id -> [status, reason]. */
async function simulated(criteriaFile: string): Promise<Map<string, [string, string | null]>> {
  const run = await cli('simulate', '--criteria', criteriaFile, '--events', files.events, '--actions', files.actions, '--until', new Date(NOW).toISOString(), '--format', 'json');
  expect(run.code, run.err).toBe(0);
  const outcomes = (JSON.parse(run.out) as { outcomes: OutcomeView[] }).outcomes.filter((o) => Date.parse(o.openedAt) >= FROM && Date.parse(o.openedAt) < NOW);
  return new Map(outcomes.map((o) => [o.outcomeId, [o.status, o.reason]]));
}

describe('the backtest and simulate on export’s files', () => {
  it('agree: each side’s verdicts, and the outcomes that change', async () => {
    const exported = await cli('export', '--portal', String(PORTAL), '--events', files.events, '--actions', files.actions, '--criteria', files.criteria, '--redis-url', REDIS_URL, '--prefix', prefix);
    expect(exported.code, exported.err).toBe(0);
    // The draft's side by hand: the exported versions with the draft added, in force from the window's start.
    const draftFile = join(files.dir, 'draft-criteria.yaml');
    const draftEntry = DRAFT.replace('2026-12-10T00:00:00Z', new Date(FROM).toISOString());
    writeFileSync(draftFile, `${readFileSync(files.criteria, 'utf8')}  - ${draftEntry}`);
    const before = await simulated(files.criteria);
    const after = await simulated(draftFile);

    const count = (m: Map<string, [string, string | null]>, status: string) => [...m.values()].filter(([s]) => s === status).length;
    // Seven presses in the window (tickets 4 to 10) closed 30 min, 2 h (a test ticket), never, 30 min, 2 h, never, 30 min after.
    expect(view.asIs).toMatchObject({ attempts: before.size, billable: count(before, 'billable') });
    expect(view.withDraft).toMatchObject({ attempts: after.size, billable: count(after, 'billable') });
    expect([view.asIs.attempts, view.asIs.billable, view.withDraft.billable]).toEqual([7, 3, 4]);
    const changed = [...after].filter(([id, [s, r]]) => before.get(id)?.[0] !== s || before.get(id)?.[1] !== r).map(([id]) => id);
    expect(view.changes.map((c) => c.outcomeId)).toEqual(changed);
    expect(view.changedCount).toBe(1);
  });
});
