// propertiesRead: every record property a criteria version reads, so the service subscribes to and fetches each one (contract §1, §9).
import { describe, expect, it } from 'vitest';
import { propertiesRead } from '../../../src/core/criteria/types.ts';
import { criteriaSet } from '../../support/scenario.ts';

const read = (o: Record<string, unknown>) => propertiesRead(criteriaSet(o).get('resolve', 1));

describe('propertiesRead', () => {
  it('a version with only a trigger and a success condition reads those', () => {
    expect(read({})).toEqual(['agent_started_at', 'stage']);
  });

  it('reads the properties of every condition, each once, the trigger property first and the cost centre last', () => {
    expect(
      read({
        trigger: { property: 'agent_started_at', when: "agent_action = 'resolve'" },
        success: "stage = 'closed' AND agent_action IS KNOWN",
        fail_if: "agent_status = 'error'",
        approve_if: "billing_review = 'approved'",
        reject_if: "billing_review = 'rejected' OR dispute_flag = 'yes'",
        failure_reasons: [{ if: 'company IS UNKNOWN', reason: 'insufficient_inputs' }],
        exclude: [{ if: "email ENDS WITH '@test.example'", label: 'test' }],
        cost_centre_property: 'hs_all_team_ids',
      }),
    ).toEqual(['agent_started_at', 'agent_action', 'stage', 'agent_status', 'billing_review', 'dispute_flag', 'company', 'email', 'hs_all_team_ids']);
  });

  it('a cost-centre property also used in a condition is read once', () => {
    expect(read({ success: 'team IS KNOWN', cost_centre_property: 'team' })).toEqual(['agent_started_at', 'team']);
  });
});
