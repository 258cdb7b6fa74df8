// Tests of the HubSpot webhook adapter: event schema, signal mapping, retries, events and records files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../src/core/types.ts';
import { parseEventsText } from '../../src/adapters/hubspot/events-file.ts';
import { parseRecordsText } from '../../src/adapters/hubspot/records-file.ts';
import { readWebhookBatch } from '../../src/adapters/hubspot/webhook-batch.ts';
import { hubSpotWebhookBatchSchema, hubSpotWebhookEventSchema } from '../../src/adapters/hubspot/webhook-events.ts';
import type { HubSpotWebhookEvent } from '../../src/adapters/hubspot/webhook-events.ts';
import { eventIdentity, toSignals } from '../../src/adapters/hubspot/webhook-signals.ts';
import type { ToSignalsResult } from '../../src/adapters/hubspot/webhook-signals.ts';
import { formatPath } from '../../src/core/problems.ts';
import type { Problem } from '../../src/core/problems.ts';

/** Problems as printed: the path formatted (`events[1].portalId`), with the message. */
const shown = (result: { ok: true } | { ok: false; problems: readonly Problem[] }) =>
  result.ok ? false : result.problems.map((p) => ({ path: formatPath(p.path), message: p.message }));

const EXAMPLE = new URL('../../../shared/examples/ticket-resolved/events.json', import.meta.url);

let nextEventId = 5000;
/** A raw event as HubSpot would POST it; each call gets a fresh eventId unless given one. */
function raw(fields: Record<string, unknown>): Record<string, unknown> {
  nextEventId += 1;
  return {
    eventId: nextEventId,
    subscriptionId: 7001,
    portalId: 4242,
    appId: 9001,
    occurredAt: 1793700000000,
    attemptNumber: 0,
    changeSource: 'CRM_UI',
    sourceId: 'userId:1',
    ...fields,
  };
}

function parsed(fields: Record<string, unknown>): HubSpotWebhookEvent {
  return hubSpotWebhookEventSchema.parse(raw(fields));
}

function ok(result: ToSignalsResult) {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.problems)}`);
  return result;
}

const strip = (signals: readonly Signal[]) => signals.map(({ ref: _ref, at: _at, ...rest }) => rest);

describe('event schema', () => {
  it('accepts the example payload and drops unknown fields', () => {
    const events = hubSpotWebhookBatchSchema.parse(JSON.parse(readFileSync(EXAMPLE, 'utf8')));
    expect(events).toHaveLength(11);
    const withExtra = hubSpotWebhookEventSchema.parse(raw({ subscriptionType: 'contact.creation', objectId: 1, changeFlag: 'CREATED', somethingNew: { a: 1 } }));
    expect(withExtra).not.toHaveProperty('changeFlag');
    expect(withExtra).not.toHaveProperty('somethingNew');
  });

  it.each([
    ['a number', 101, '101'],
    ['a string of digits', '101', '101'],
    ['leading zeros', '0101', '101'],
    ['a large id', 65059681032, '65059681032'],
    ['a string past 2^53', '123456789012345678901', '123456789012345678901'],
  ])('reads objectId given as %s', (_name, objectId, expected) => {
    expect(parsed({ subscriptionType: 'contact.creation', objectId }).objectId).toBe(expected);
  });

  it('reads null optional fields as absent', () => {
    const event = parsed({ subscriptionType: 'contact.propertyChange', objectId: 1, propertyName: 'email', propertyValue: null, appId: null });
    expect(event).not.toHaveProperty('propertyValue');
    expect(event).not.toHaveProperty('appId');
  });

  it.each<[string, Record<string, unknown>, { path: string; message: RegExp }[]]>([
    ['occurredAt as an ISO string', { subscriptionType: 'contact.creation', objectId: 1, occurredAt: '2026-11-03T10:00:00Z' }, [{ path: 'occurredAt', message: /epoch milliseconds/ }]],
    ['a fractional occurredAt', { subscriptionType: 'contact.creation', objectId: 1, occurredAt: 1.5 }, [{ path: 'occurredAt', message: /integer/ }]],
    ['missing portalId', { subscriptionType: 'contact.creation', objectId: 1, portalId: undefined }, [{ path: 'portalId', message: /required/ }]],
    ['a negative attemptNumber', { subscriptionType: 'contact.creation', objectId: 1, attemptNumber: -1 }, [{ path: 'attemptNumber', message: /attempt number/ }]],
    ['a non-numeric objectId', { subscriptionType: 'contact.creation', objectId: 'abc' }, [{ path: 'objectId', message: /HubSpot id/ }]],
    ['an objectId past 2^53 as a number', { subscriptionType: 'contact.creation', objectId: 2 ** 60 }, [{ path: 'objectId', message: /too large/ }]],
    ['a numeric propertyValue', { subscriptionType: 'contact.propertyChange', objectId: 1, propertyName: 'n', propertyValue: 5 }, [{ path: 'propertyValue', message: /string/ }]],
    ['propertyChange without propertyName', { subscriptionType: 'deal.propertyChange', objectId: 1 }, [{ path: 'propertyName', message: /required for deal.propertyChange/ }]],
    ['creation without objectId', { subscriptionType: 'ticket.creation' }, [{ path: 'objectId', message: /required/ }]],
    ['merge without primaryObjectId', { subscriptionType: 'contact.merge', objectId: 1, mergedObjectIds: [2] }, [{ path: 'primaryObjectId', message: /required/ }]],
    ['a bad id inside mergedObjectIds', { subscriptionType: 'contact.merge', primaryObjectId: 1, mergedObjectIds: [2, 'x'] }, [{ path: 'mergedObjectIds[1]', message: /HubSpot id/ }]],
    ['a generic event without objectTypeId', { subscriptionType: 'object.creation', objectId: 1 }, [{ path: 'objectTypeId', message: /required for object.creation/ }]],
    ['a legacy event whose objectTypeId contradicts it', { subscriptionType: 'contact.creation', objectId: 1, objectTypeId: '0-3' }, [{ path: 'objectTypeId', message: /contradicts contact.creation/ }]],
    ['an empty subscriptionType', { subscriptionType: '', objectId: 1 }, [{ path: 'subscriptionType', message: /subscription type/ }]],
  ])('rejects %s', (_name, fields, expected) => {
    const result = hubSpotWebhookEventSchema.safeParse(raw(fields));
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((i) => ({ path: i.path.map((k) => (typeof k === 'number' ? `[${k}]` : String(k))).join('.').replace(/\.\[/g, '['), message: i.message })) ?? [];
    expect(issues).toHaveLength(expected.length);
    expected.forEach((e, k) => {
      expect(issues[k]?.path).toBe(e.path);
      expect(issues[k]?.message).toMatch(e.message);
    });
  });

  it('does not ask ignored event types for fields they would need', () => {
    expect(hubSpotWebhookEventSchema.safeParse(raw({ subscriptionType: 'company.propertyChange', objectId: 1 })).success).toBe(true);
    expect(hubSpotWebhookEventSchema.safeParse(raw({ subscriptionType: 'object.propertyChange', objectTypeId: '2-123', objectId: 1 })).success).toBe(true);
    expect(hubSpotWebhookEventSchema.safeParse(raw({ subscriptionType: 'object.associationChange', fromObjectId: 1, toObjectId: 2 })).success).toBe(true);
  });
});

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
    expect(result.signals).toEqual([{ ...expected, recordId: '11', at: 1793700000000, ref: `hubspot:4242:${event.eventId}` }]);
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
      objectType: 'ticket', recordId: '11', at: 1793700000000, ref: 'hubspot:4242:1001',
      kind: 'property', property: 'agent_resolution_started_at', value: '1793700000000',
    });
    expect(result.signals.map((s) => s.ref)).toEqual(events.map((e) => `hubspot:4242:${e.eventId}`));
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

describe('parseEventsText', () => {
  const e1 = raw({ subscriptionType: 'contact.creation', objectId: 1 });
  const e2 = raw({ subscriptionType: 'contact.creation', objectId: 2 });
  const e3 = raw({ subscriptionType: 'contact.creation', objectId: 3 });

  it.each<[string, string, 'json' | 'jsonl', string[]]>([
    ['a JSON array', JSON.stringify([e1, e2, e3], null, 1), 'json', ['events[0]', 'events[1]', 'events[2]']],
    ['concatenated delivery batches', JSON.stringify([[e1, e2], e3, []]), 'json', ['events[0][0]', 'events[0][1]', 'events[1]']],
    ['JSON Lines of events', `${JSON.stringify(e1)}\n\n${JSON.stringify(e2)}\r\n${JSON.stringify(e3)}\n`, 'jsonl', ['line 1', 'line 3', 'line 4']],
    ['JSON Lines of batches', `${JSON.stringify([e1, e2])}\n${JSON.stringify(e3)}`, 'jsonl', ['line 1[0]', 'line 1[1]', 'line 2']],
    ['one JSON Lines event', JSON.stringify(e1) + '\n', 'jsonl', ['line 1']],
    ['a byte order mark', `\uFEFF${JSON.stringify([e1])}`, 'json', ['events[0]']],
  ])('reads %s', (_name, text, format, locations) => {
    const result = parseEventsText(text, 'events.json');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.format).toBe(format);
    expect(result.locations.map((l) => formatPath(l))).toEqual(locations);
    expect(result.events.map((e) => e.objectId)).toEqual(['1', '2', '3'].slice(0, locations.length));
  });

  it('reads the example file', () => {
    const result = parseEventsText(readFileSync(EXAMPLE, 'utf8'), 'events.json');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.events).toHaveLength(11);
    expect(ok(toSignals(result.events, { locations: result.locations })).signals).toHaveLength(11);
  });

  it.each<[string, string, { path: string; message: string | RegExp }[]]>([
    ['a missing comma in a JSON array', '[\n  {"eventId": 1}\n  {"eventId": 2}\n]', [{ path: 'events.json', message: /^invalid JSON at line 3, column 3: expected ',' or a closing bracket$/ }]],
    ['an unquoted value', '[\n {"a": x}\n]', [{ path: 'events.json', message: /^invalid JSON at line 2, column 8: unexpected character$/ }]],
    ['a truncated file', '[\n {"a": 1},\n', [{ path: 'events.json', message: /^invalid JSON at line 3, column 1: expected a value$/ }]],
    ['a trailing comma', '[{"a": 1},]', [{ path: 'events.json', message: /^invalid JSON at line 1, column 11: expected a value$/ }]],
    ['broken JSON Lines, each line listed', `${JSON.stringify(e1)}\n{"eventId": \n${JSON.stringify(e2)}\n[1,,2]`, [
      { path: 'events.json', message: /^invalid JSON at line 2, column 13: expected/ },
      { path: 'events.json', message: /^invalid JSON at line 4, column 4: / },
    ]],
    ['an empty file', ' \n', [{ path: 'events.json', message: /is empty/ }]],
    ['a pretty-printed single object', '{\n "eventId": 1\n}', [{ path: 'events.json', message: /expected a JSON array/ }]],
  ])('reports %s', (_name, text, expected) => {
    const result = parseEventsText(text, 'events.json');
    expect(result.ok).toBe(false);
    const problems = shown(result) || [];
    expect(problems).toHaveLength(expected.length);
    expected.forEach((e, k) => {
      expect(problems[k]?.path).toBe(e.path);
      expect(problems[k]?.message).toMatch(e.message);
    });
  });

  it('lists every problem of every event, with paths, and returns no events', () => {
    const text = JSON.stringify([
      e1,
      { ...e2, occurredAt: '2026-11-03', portalId: 'x' },
      [e3, { ...e3, subscriptionType: 'contact.propertyChange', objectId: 'abc' }],
      42,
      [[e1]],
    ]);
    const result = parseEventsText(text, 'events.json');
    expect(result.ok).toBe(false);
    expect(shown(result)).toEqual([
      { path: 'events[1].portalId', message: 'expected an integer portal id' },
      { path: 'events[1].occurredAt', message: 'expected epoch milliseconds as an integer' },
      { path: 'events[2][1].objectId', message: 'expected a HubSpot id: a whole number, or a string of digits' },
      { path: 'events[2][1].propertyName', message: 'is required for contact.propertyChange' },
      { path: 'events[3]', message: 'expected an event object or a batch array' },
      { path: 'events[4][0]', message: 'expected an event object' },
    ]);
  });

  it('names JSON Lines problems by line', () => {
    const text = [JSON.stringify(e1), JSON.stringify({ ...e2, eventId: 1.5 }), JSON.stringify([e3, { ...e3, subscriptionType: 'deal.propertyChange' }]), '"text"'].join('\n');
    const result = parseEventsText(text, 'events.jsonl');
    expect(shown(result)).toEqual([
      { path: 'line 2.eventId', message: 'expected an integer event id' },
      { path: 'line 3[1].propertyName', message: 'is required for deal.propertyChange' },
      { path: 'line 4', message: 'expected an event object or a batch array' },
    ]);
  });

  it('reports field problems and action rules of one event together', () => {
    const text = JSON.stringify([{ ...e1, occurredAt: 'soon', subscriptionType: 'contact.propertyChange' }]);
    const result = parseEventsText(text, 'events.json');
    expect(!result.ok && result.problems.map((p) => formatPath(p.path))).toEqual(['events[0].occurredAt', 'events[0].propertyName']);
  });
});

describe('parseRecordsText', () => {
  it('reads the example records file', () => {
    const text = readFileSync(new URL('../../../shared/examples/ticket-resolved/records.json', import.meta.url), 'utf8');
    const result = parseRecordsText(text, 'records.json');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.records).toHaveLength(4);
    expect(result.records[0]).toEqual({ objectType: 'ticket', id: '11', properties: new Map([['subject', 'Ticket 11'], ['hs_pipeline_stage', '1']]) });
  });

  it('turns numbers, booleans and null into strings, and a numeric id into its decimal string', () => {
    const result = parseRecordsText(
      JSON.stringify([
        { objectType: 'deal', id: 7, properties: { amount: 12.5, count: 3, closed: true, open: false, owner: null, name: 'x' } },
        { objectType: 'contact', id: '007' },
      ]),
      'records.json',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.records).toEqual([
      { objectType: 'deal', id: '7', properties: new Map([['amount', '12.5'], ['count', '3'], ['closed', 'true'], ['open', 'false'], ['owner', ''], ['name', 'x']]) },
      { objectType: 'contact', id: '7', properties: new Map() },
    ]);
  });

  it('lists every problem with its path', () => {
    const result = parseRecordsText(
      JSON.stringify([
        { objectType: 'contact', id: '1', properties: {} },
        { objectType: 'company', id: '2', properties: {} },
        { objectType: 'deal', properties: { a: [1], b: { c: 1 } }, colour: 'red' },
        { objectType: 'contact', id: 1, properties: {} },
        { objectType: 'ticket', id: 'abc', properties: 'none' },
        'not a record',
      ]),
      'records.json',
    );
    expect(shown(result)).toEqual([
      { path: 'records[1].objectType', message: 'expected contact, deal or ticket' },
      { path: 'records[2].id', message: 'is required' },
      { path: 'records[2].properties.a', message: 'expected a string, number, boolean or null' },
      { path: 'records[2].properties.b', message: 'expected a string, number, boolean or null' },
      { path: 'records[2].colour', message: 'is not a known field' },
      { path: 'records[3].id', message: 'contact 1 is already in records[0]' },
      { path: 'records[4].id', message: 'expected a HubSpot id: a whole number, or a string of digits' },
      { path: 'records[4].properties', message: 'expected an object of property name to value' },
      { path: 'records[5]', message: 'expected a record object { objectType, id, properties }' },
    ]);
  });

  it.each<[string, string, { path: string; message: RegExp }]>([
    ['a syntax error', '[\n {"objectType": "contact",\n  "id": "1" "properties": {}}\n]', { path: 'records.json', message: /^invalid JSON at line 3, column 13: expected ',' or a closing bracket$/ }],
    ['a non-array', '{"objectType": "contact"}', { path: 'records', message: /expected a JSON array/ }],
    ['an empty file', '', { path: 'records.json', message: /is empty/ }],
  ])('reports %s', (_name, text, expected) => {
    const result = parseRecordsText(text, 'records.json');
    expect(shown(result)).toEqual([{ path: expected.path, message: expect.stringMatching(expected.message) }]);
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

describe('readWebhookBatch: one delivery as the receiver hands it to the ingest use case', () => {
  it('counts events, in-delivery retries and ignored events, and keeps one item per signal', () => {
    const prop = raw({ subscriptionType: 'contact.propertyChange', objectId: 4, propertyName: 'email', propertyValue: 'a@b.c' });
    const reading = readWebhookBatch([prop, { ...prop, attemptNumber: 1 }, raw({ subscriptionType: 'company.creation', objectId: 5 })]);
    if (!reading.ok) throw new Error(JSON.stringify(reading.problems));
    expect(reading.batch).toMatchObject({ portalId: 4242, events: 3, duplicates: 1, ignored: [{ reason: 'unsupported_object_type' }] });
    expect(reading.batch.items).toHaveLength(1);
  });

  it('refuses the whole delivery with every problem, each at its path under events', () => {
    expect(readWebhookBatch({ events: [] })).toEqual({
      ok: false,
      problems: [{ code: 'invalid_type', path: ['events'], message: 'expected a JSON array of HubSpot webhook events' }],
    });
    const reading = readWebhookBatch([raw({ subscriptionType: 'contact.creation', objectId: 1, occurredAt: undefined })]);
    expect(!reading.ok && reading.problems).toEqual([{ code: 'required', path: ['events', 0, 'occurredAt'], message: 'is required' }]);
  });
});
