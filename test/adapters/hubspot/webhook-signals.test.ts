// Events to signals: subscription types, merges, ignored events, retries and identity, portals and order, the items the store keeps.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hubSpotWebhookBatchSchema, hubSpotWebhookEventSchema } from '../../../src/adapters/hubspot/webhook-events.ts';
import { eventIdentity, toSignals } from '../../../src/adapters/hubspot/webhook-signals.ts';
import { shown, EXAMPLE, raw, parsed, ok, strip } from './webhook-fixtures.ts';

describe('toSignals: subscription types', () => {
  const base = { objectId: 11, occurredAt: 1793700000000 };
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['contact.propertyChange', { subscriptionType: 'contact.propertyChange', propertyName: 'email', propertyValue: 'a@b.c' }, { objectType: 'contact', kind: 'property', property: 'email', value: 'a@b.c' }],
    ['deal.propertyChange', { subscriptionType: 'deal.propertyChange', propertyName: 'dealstage', propertyValue: 'won' }, { objectType: 'deal', kind: 'property', property: 'dealstage', value: 'won' }],
    ['ticket.propertyChange, value cleared', { subscriptionType: 'ticket.propertyChange', propertyName: 'hs_pipeline_stage' }, { objectType: 'ticket', kind: 'property', property: 'hs_pipeline_stage', value: '' }],
    ['contact.creation', { subscriptionType: 'contact.creation' }, { objectType: 'contact', kind: 'created' }],
    ['deal.creation', { subscriptionType: 'deal.creation' }, { objectType: 'deal', kind: 'created' }],
    ['ticket.creation', { subscriptionType: 'ticket.creation' }, { objectType: 'ticket', kind: 'created' }],
    ['contact.deletion', { subscriptionType: 'contact.deletion' }, { objectType: 'contact', kind: 'deleted' }],
    ['deal.deletion', { subscriptionType: 'deal.deletion' }, { objectType: 'deal', kind: 'deleted' }],
    ['ticket.deletion', { subscriptionType: 'ticket.deletion' }, { objectType: 'ticket', kind: 'deleted' }],
    ['contact.privacyDeletion', { subscriptionType: 'contact.privacyDeletion' }, { objectType: 'contact', kind: 'deleted' }],
    ['contact.restore', { subscriptionType: 'contact.restore' }, { objectType: 'contact', kind: 'restored' }],
    ['deal.restore', { subscriptionType: 'deal.restore' }, { objectType: 'deal', kind: 'restored' }],
    ['ticket.restore', { subscriptionType: 'ticket.restore' }, { objectType: 'ticket', kind: 'restored' }],
    ['legacy with a matching objectTypeId', { subscriptionType: 'contact.creation', objectTypeId: '0-1' }, { objectType: 'contact', kind: 'created' }],
    ['object.propertyChange 0-1', { subscriptionType: 'object.propertyChange', objectTypeId: '0-1', propertyName: 'email', propertyValue: 'x' }, { objectType: 'contact', kind: 'property', property: 'email', value: 'x' }],
    ['object.propertyChange 0-3', { subscriptionType: 'object.propertyChange', objectTypeId: '0-3', propertyName: 'amount', propertyValue: '10' }, { objectType: 'deal', kind: 'property', property: 'amount', value: '10' }],
    ['object.propertyChange 0-5', { subscriptionType: 'object.propertyChange', objectTypeId: '0-5', propertyName: 'subject', propertyValue: 's' }, { objectType: 'ticket', kind: 'property', property: 'subject', value: 's' }],
    ['object.creation 0-3', { subscriptionType: 'object.creation', objectTypeId: '0-3' }, { objectType: 'deal', kind: 'created' }],
    ['object.deletion 0-5', { subscriptionType: 'object.deletion', objectTypeId: '0-5' }, { objectType: 'ticket', kind: 'deleted' }],
    ['object.restore 0-1', { subscriptionType: 'object.restore', objectTypeId: '0-1' }, { objectType: 'contact', kind: 'restored' }],
  ])('%s', (_name, fields, expected) => {
    const event = parsed({ ...base, ...fields });
    const result = ok(toSignals([event]));
    expect(result.signals).toEqual([{ ...expected, recordId: '11', at: 1793700000000, ref: `hubspot:4242:${event.eventId}`, source: 'userId:1' }]);
    expect(result.ignored).toEqual([]);
    expect(result.portalId).toBe(4242);
  });

  it('takes recordId as a decimal string whether objectId came as a number or a string', () => {
    const result = ok(toSignals([parsed({ subscriptionType: 'contact.creation', objectId: '00042' })]));
    expect(result.signals[0]?.recordId).toBe('42');
  });

  it('maps the example file, in input order', () => {
    const events = hubSpotWebhookBatchSchema.parse(JSON.parse(readFileSync(EXAMPLE, 'utf8')));
    const result = ok(toSignals(events));
    expect(result.signals).toHaveLength(11);
    expect(result.duplicates).toEqual([]);
    expect(result.signals[0]).toEqual({
      objectType: 'ticket', recordId: '11', at: 1793700000000, ref: 'hubspot:4242:1001', source: 'userId:1',
      kind: 'property', property: 'agent_resolution_started_at', value: '1793700000000',
    });
    expect(result.signals.map((s) => s.ref)).toEqual(events.map((e) => `hubspot:4242:${e.eventId}`));
  });

  it("§9 HubSpot's sourceId becomes the signal's source (a press's is its outcome's agentId); none without one", () => {
    const withSource = ok(toSignals([parsed({ subscriptionType: 'contact.creation', objectId: 1, sourceId: 'integration:77' })]));
    expect(withSource.signals[0]?.source).toBe('integration:77');
    const without = ok(toSignals([parsed({ subscriptionType: 'contact.creation', objectId: 1, sourceId: undefined })]));
    expect(without.signals[0]).not.toHaveProperty('source');
    const blank = ok(toSignals([parsed({ subscriptionType: 'contact.creation', objectId: 1, sourceId: '' })]));
    expect(blank.signals[0]).not.toHaveProperty('source');
  });
});

describe('toSignals: merges', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>[]]>([
    [
      'legacy: primary survives, each merged id goes into it',
      { subscriptionType: 'contact.merge', objectId: 100, primaryObjectId: 100, mergedObjectIds: [200, 300], numberOfPropertiesMoved: 14 },
      [
        { objectType: 'contact', recordId: '100', kind: 'merged' },
        { objectType: 'contact', recordId: '200', kind: 'merged_away', into: '100' },
        { objectType: 'contact', recordId: '300', kind: 'merged_away', into: '100' },
      ],
    ],
    [
      'a new record made by the merge: the primary goes too',
      { subscriptionType: 'deal.merge', objectId: 100, primaryObjectId: 100, mergedObjectIds: [200], newObjectId: 900 },
      [
        { objectType: 'deal', recordId: '900', kind: 'merged' },
        { objectType: 'deal', recordId: '100', kind: 'merged_away', into: '900' },
        { objectType: 'deal', recordId: '200', kind: 'merged_away', into: '900' },
      ],
    ],
    [
      'newObjectId equal to the primary, null, or repeated ids give no self-merge',
      { subscriptionType: 'ticket.merge', objectId: 5, primaryObjectId: 5, mergedObjectIds: ['6', 5, 6], newObjectId: 5 },
      [
        { objectType: 'ticket', recordId: '5', kind: 'merged' },
        { objectType: 'ticket', recordId: '6', kind: 'merged_away', into: '5' },
      ],
    ],
    [
      'newObjectId null reads as absent',
      { subscriptionType: 'contact.merge', primaryObjectId: 7, mergedObjectIds: [8], newObjectId: null },
      [
        { objectType: 'contact', recordId: '7', kind: 'merged' },
        { objectType: 'contact', recordId: '8', kind: 'merged_away', into: '7' },
      ],
    ],
    [
      'generic object.merge',
      { subscriptionType: 'object.merge', objectTypeId: '0-5', objectId: 1, primaryObjectId: 1, mergedObjectIds: [2], newObjectId: 3 },
      [
        { objectType: 'ticket', recordId: '3', kind: 'merged' },
        { objectType: 'ticket', recordId: '1', kind: 'merged_away', into: '3' },
        { objectType: 'ticket', recordId: '2', kind: 'merged_away', into: '3' },
      ],
    ],
  ])('%s', (_name, fields, expected) => {
    const event = parsed({ occurredAt: 1793700000123, ...fields });
    const result = ok(toSignals([event]));
    expect(strip(result.signals)).toEqual(expected);
    for (const s of result.signals) {
      expect(s.at).toBe(1793700000123);
      expect(s.ref).toBe(`hubspot:4242:${event.eventId}`);
    }
  });
});

describe('toSignals: ignored events', () => {
  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['company.propertyChange', { subscriptionType: 'company.propertyChange', objectId: 1, propertyName: 'name', propertyValue: 'x' }, 'unsupported_object_type', /only contacts, deals and tickets/],
    ['company.creation', { subscriptionType: 'company.creation', objectId: 1 }, 'unsupported_object_type', /company events/],
    ['object.creation of a company (0-2)', { subscriptionType: 'object.creation', objectTypeId: '0-2', objectId: 1 }, 'unsupported_object_type', /object type 0-2/],
    ['object.propertyChange of a custom object', { subscriptionType: 'object.propertyChange', objectTypeId: '2-123456', objectId: 1, propertyName: 'x' }, 'unsupported_object_type', /object type 2-123456/],
    ['contact.associationChange', { subscriptionType: 'contact.associationChange', objectId: 1, associationType: 'CONTACT_TO_COMPANY', fromObjectId: 1, toObjectId: 2, associationRemoved: false }, 'association_change', /association/],
    ['deal.associationChange', { subscriptionType: 'deal.associationChange', fromObjectId: 1, toObjectId: 2 }, 'association_change', /association/],
    ['object.associationChange', { subscriptionType: 'object.associationChange', fromObjectId: 1, toObjectId: 2 }, 'association_change', /association/],
    ['conversation.newMessage', { subscriptionType: 'conversation.newMessage', objectId: 1 }, 'unknown_subscription_type', /not a subscription type/],
    ['contact.somethingNew', { subscriptionType: 'contact.somethingNew', objectId: 1 }, 'unknown_subscription_type', /contact.somethingNew/],
    ['a type without an action', { subscriptionType: 'weird', objectId: 1 }, 'unknown_subscription_type', /weird/],
  ])('%s', (_name, fields, reason, message) => {
    const kept = parsed({ subscriptionType: 'contact.creation', objectId: 9 });
    const event = parsed(fields);
    const result = ok(toSignals([kept, event]));
    expect(result.signals).toHaveLength(1);
    expect(result.ignored).toEqual([
      { at: 'events[1]', index: 1, ref: `hubspot:4242:${event.eventId}`, subscriptionType: fields['subscriptionType'], reason, message: expect.stringMatching(message) },
    ]);
  });
});

describe('toSignals: retries and identity', () => {
  const first = raw({ subscriptionType: 'ticket.propertyChange', objectId: 11, propertyName: 'hs_pipeline_stage', propertyValue: '4', eventId: 77 });

  it('counts a redelivery with a higher attemptNumber once, keeping the first', () => {
    const events = [first, { ...first, attemptNumber: 1 }, { ...first, attemptNumber: 4, extraField: 'new' }].map((e) => hubSpotWebhookEventSchema.parse(e));
    const result = ok(toSignals(events));
    expect(result.signals).toHaveLength(1);
    expect(result.duplicates).toEqual([
      { at: 'events[1]', index: 1, ref: 'hubspot:4242:77', firstAt: 'events[0]', firstIndex: 0 },
      { at: 'events[2]', index: 2, ref: 'hubspot:4242:77', firstAt: 'events[0]', firstIndex: 0 },
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['another value', { propertyValue: '2' }],
    ['another property', { propertyName: 'subject' }],
    ['another record', { objectId: 12 }],
    ['another time', { occurredAt: 1793700000001 }],
    ['another subscription', { subscriptionId: 7002 }],
    ['another type', { subscriptionType: 'object.propertyChange', objectTypeId: '0-5' }],
  ])('keeps two events sharing an eventId with %s', (_name, change) => {
    const events = [first, { ...first, ...change, attemptNumber: 1 }].map((e) => hubSpotWebhookEventSchema.parse(e));
    const result = ok(toSignals(events));
    expect(result.signals).toHaveLength(2);
    expect(result.duplicates).toEqual([]);
    expect(eventIdentity(events[0]!)).not.toBe(eventIdentity(events[1]!));
  });

  it('gives the same identity to equal events, however their ids were written', () => {
    const a = hubSpotWebhookEventSchema.parse(raw({ subscriptionType: 'contact.merge', eventId: 1, primaryObjectId: 1, mergedObjectIds: [3, 2], attemptNumber: 0 }));
    const b = hubSpotWebhookEventSchema.parse(raw({ subscriptionType: 'contact.merge', eventId: 1, primaryObjectId: '1', mergedObjectIds: ['2', '3'], attemptNumber: 2 }));
    expect(eventIdentity(a)).toBe(eventIdentity(b));
    expect(eventIdentity(a)).toMatch(/^v1:/);
  });

  it('counts a duplicate of an ignored event as a duplicate, and ignores it once', () => {
    const company = raw({ subscriptionType: 'company.creation', objectId: 1 });
    const result = ok(toSignals([company, { ...company, attemptNumber: 1 }].map((e) => hubSpotWebhookEventSchema.parse(e))));
    expect(result.ignored).toHaveLength(1);
    expect(result.duplicates).toHaveLength(1);
  });
});

describe('toSignals: portals and order', () => {
  it('rejects events from more than one portal, naming each stray event', () => {
    const events = [
      parsed({ subscriptionType: 'contact.creation', objectId: 1 }),
      parsed({ subscriptionType: 'contact.creation', objectId: 2, portalId: 99 }),
      parsed({ subscriptionType: 'contact.creation', objectId: 3 }),
      parsed({ subscriptionType: 'contact.creation', objectId: 4, portalId: 98 }),
    ];
    const result = toSignals(events);
    expect(result.ok).toBe(false);
    expect(shown(result)).toEqual([
      { path: 'events[1].portalId', message: 'portal 99 differs from portal 4242 of events[0]: one portal at a time' },
      { path: 'events[3].portalId', message: 'portal 98 differs from portal 4242 of events[0]: one portal at a time' },
    ]);
  });

  it('names events by the locations given', () => {
    const events = [parsed({ subscriptionType: 'contact.creation', objectId: 1 }), parsed({ subscriptionType: 'contact.creation', objectId: 2, portalId: 99 })];
    const result = toSignals(events, { locations: [['line 1'], ['line 2', 3]] });
    expect(!result.ok && result.problems[0]).toEqual({ code: 'conflict', path: ['line 2', 3, 'portalId'], message: expect.stringContaining('one portal at a time') });
  });

  it('keeps input order, not time order (the caller sorts)', () => {
    const events = [
      parsed({ subscriptionType: 'contact.creation', objectId: 1, occurredAt: 300 }),
      parsed({ subscriptionType: 'contact.creation', objectId: 2, occurredAt: 100 }),
      parsed({ subscriptionType: 'contact.creation', objectId: 3, occurredAt: 200 }),
    ];
    expect(ok(toSignals(events)).signals.map((s) => s.recordId)).toEqual(['1', '2', '3']);
  });

  it('accepts no events', () => {
    expect(toSignals([])).toEqual({ ok: true, portalId: null, signals: [], items: [], ignored: [], duplicates: [] });
  });
});

describe('toSignals items: what the live store keeps', () => {
  it('gives every signal an identity of its event and its place in it, repeats inside a batch once', () => {
    const merge = parsed({ subscriptionType: 'contact.merge', objectId: 1, primaryObjectId: 1, mergedObjectIds: [2, 3], newObjectId: 1 });
    const prop = parsed({ eventId: 9, subscriptionType: 'contact.propertyChange', objectId: 4, propertyName: 'email', propertyValue: 'a@b.c' });
    const r = toSignals([merge, prop, { ...prop, attemptNumber: 1 }]);
    if (!r.ok) throw new Error('expected ok');
    expect(r.items.map((i) => i.signal)).toEqual(r.signals);
    expect(r.items.map((i) => i.identity)).toEqual([`${eventIdentity(merge)}/0`, `${eventIdentity(merge)}/1`, `${eventIdentity(merge)}/2`, `${eventIdentity(prop)}/0`]);
  });
});
