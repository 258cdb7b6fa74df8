// Contract §9 allocation: each outcome's agentId (the sourceId of the press that opened it) and
// costCentre (the pinned version's cost_centre_property at settlement, after that instant's signals).
import { describe, expect, it } from 'vitest';
import { propertiesRead } from '../../../src/core/criteria/types.ts';
import { outcomeView } from '../../../src/core/ledger-view.ts';
import { simulate } from '../../../src/core/simulate.ts';
import type { Signal } from '../../../src/core/types.ts';
import { at, criteriaSet, iso, run, signalsOf } from '../../support/scenario.ts';
import { checkCase, closed, press, put, reopened, v2 } from './lifecycle-cases.ts';
import type { Case } from './lifecycle-cases.ts';

const TEAM = { cost_centre_property: 'hs_all_team_ids' };
const team = (t: number, value: string) => put(t, { hs_all_team_ids: value });
const onTeam = (value: string) => [{ id: '1', properties: { hs_all_team_ids: value } }];

const costCentreCases: Case[] = [
  { rule: '§9 costCentre: the property’s value when the outcome settles billable', criteria: [TEAM], records: onTeam('emea'), steps: [press(0), closed(5)], expect: [{ status: 'billable', costCentre: 'emea' }] },
  {
    rule: '§9 costCentre: read after every signal of the settlement’s instant, even one after the settling signal',
    criteria: [TEAM],
    records: onTeam('emea'),
    steps: [press(0), closed(5), team(5, 'apac')],
    expect: [{ status: 'billable', settledAt: iso(5), costCentre: 'apac' }],
  },
  {
    rule: '§9 costCentre: a change after the settlement’s instant does not move it',
    criteria: [TEAM],
    records: onTeam('emea'),
    steps: [press(0), closed(5), team(6, 'apac')],
    expect: [{ status: 'billable', costCentre: 'emea' }],
  },
  {
    rule: '§9 costCentre: settled by a timer (review end), read then',
    criteria: [{ ...TEAM, review_window: '1h' }],
    records: onTeam('emea'),
    steps: [press(0), closed(5), team(30, 'apac')],
    expect: [{ status: 'billable', settledAt: iso(65), costCentre: 'apac' }],
  },
  { rule: '§9 costCentre: null while not settled', criteria: [{ ...TEAM, review_window: '1h' }], records: onTeam('emea'), steps: [press(0), closed(5)], until: 10, expect: [{ status: 'in_review', costCentre: null }] },
  {
    rule: '§9 costCentre: null while a try failed by its deadline waits for a retry (a timer that settles nothing allocates nothing)',
    criteria: [{ ...TEAM, retry_window: '2h' }],
    records: onTeam('emea'),
    steps: [press(0)],
    until: 61,
    expect: [{ status: 'failed', costCentre: null }],
  },
  { rule: '§9 costCentre: null when the property is unset', criteria: [TEAM], steps: [press(0), closed(5)], expect: [{ status: 'billable', costCentre: null }] },
  { rule: '§9 costCentre: null when the property is empty', criteria: [TEAM], records: onTeam('emea'), steps: [press(0), team(1, ''), closed(5)], expect: [{ status: 'billable', costCentre: null }] },
  { rule: '§9 costCentre: null without cost_centre_property', records: onTeam('emea'), steps: [press(0), closed(5)], expect: [{ status: 'billable', costCentre: null }] },
  {
    rule: '§9 costCentre: set at a not-billable settlement too (reversed, then the retry window ends)',
    criteria: [{ ...TEAM, review_window: '1h', retry_window: '30m' }],
    records: onTeam('emea'),
    steps: [press(0), closed(5), reopened(10), team(20, 'apac')],
    expect: [{ status: 'not_billable', reason: 'reversed', settledAt: iso(30), costCentre: 'apac' }],
  },
  {
    rule: '§9 costCentre: the pinned version’s property, whatever a later version names',
    criteria: [TEAM, v2(1, { cost_centre_property: 'region' })],
    records: [{ id: '1', properties: { hs_all_team_ids: 'emea', region: 'north' } }],
    steps: [press(0), closed(5)],
    expect: [{ criteriaVersion: 1, costCentre: 'emea' }],
  },
];

describe('§9 costCentre', () => {
  it.each(costCentreCases)('$rule', checkCase);

  it('§9 costCentre: a credited outcome keeps the value it settled with', () => {
    const by = { userId: 7, email: 'ann@example.com' };
    const outcomeId = 'resolve:ticket:1:2026-11-03#1';
    const r = run([press(0), closed(5), team(10, 'apac')], {
      criteria: criteriaSet(TEAM),
      records: onTeam('emea'),
      actions: [
        { type: 'open_dispute', at: at(20), by, outcomeId, reason: 'Wrong team.' },
        { type: 'resolve_dispute', at: at(30), by, outcomeId, resolution: 'upheld', note: 'Agreed.' },
      ],
    });
    expect(outcomeView(r.outcomes[0]!)).toMatchObject({ status: 'credited', costCentre: 'emea' });
  });

  it('§9 the cost-centre property is read by the service (webhook subscriptions, CRM reads)', () => {
    const c = criteriaSet(TEAM).get('resolve', 1);
    expect(c.costCentreProperty).toBe('hs_all_team_ids');
    expect(propertiesRead(c)).toContain('hs_all_team_ids');
    expect(criteriaSet().get('resolve', 1).costCentreProperty).toBeNull();
  });
});

describe('§9 agentId', () => {
  const withSource = (signals: Signal[], sources: (string | undefined)[]): Signal[] =>
    signals.map((s, i) => (sources[i] === undefined ? s : { ...s, source: sources[i] }));
  const replay = (signals: Signal[]) =>
    simulate({ criteria: criteriaSet({ retry_window: '30m' }), records: [], signals, until: at(200) }).outcomes.map((o) => outcomeView(o));

  it('§9 the sourceId of the press that opened the outcome; a retry by someone else does not change it', () => {
    const signals = withSource(signalsOf([press(0), press(10), closed(15)]), ['userId:123', 'integration:9', 'userId:5']);
    expect(replay(signals)).toMatchObject([{ tries: 2, agentId: 'userId:123' }]);
  });

  it('§9 null when the opening press has no source', () => {
    expect(replay(signalsOf([press(0), closed(5)]))).toMatchObject([{ agentId: null }]);
  });

  it('§9 each attempt has its own opener', () => {
    const signals = withSource(signalsOf([press(0), press(100), closed(101)]), ['userId:1', 'userId:2']);
    expect(replay(signals).map((o) => o.agentId)).toEqual(['userId:1', 'userId:2']);
  });
});
