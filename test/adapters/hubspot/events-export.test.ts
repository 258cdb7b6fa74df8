// Stored signals to an events file and back: what `export` writes, `simulate --events` reads into the same signals.
import { describe, expect, it } from 'vitest';
import { eventsOfSignals } from '../../../src/adapters/hubspot/events-export.ts';
import { parseEventsText } from '../../../src/adapters/hubspot/events-file.ts';
import { readWebhookBatch } from '../../../src/adapters/hubspot/webhook-batch.ts';
import { CRM_READ_TYPE } from '../../../src/adapters/hubspot/webhook-events.ts';
import { toSignals } from '../../../src/adapters/hubspot/webhook-signals.ts';
import type { Signal } from '../../../src/core/types.ts';

const PORTAL = 62515;
const T = Date.parse('2026-11-03T10:00:00Z');
const ref = (eventId: number) => `hubspot:${PORTAL}:${eventId}`;

/** Signals as the receiver stores them (each event's ref), and the service's CRM reads. */
const SIGNALS: Signal[] = [
  { kind: 'created', objectType: 'contact', recordId: '101', at: T, ref: ref(1), source: 'userId:7' },
  { kind: 'property', objectType: 'contact', recordId: '101', at: T + 1, ref: ref(2), source: 'integration:42', property: 'agent_started_at', value: 'x' },
  { kind: 'property', objectType: 'deal', recordId: '9007199254740993', at: T + 1, ref: ref(3), property: 'dealstage', value: '' },
  { kind: 'crm_read', objectType: 'ticket', recordId: '5', at: T + 2, ref: 'crm-read:1762164000500', found: true, properties: { stage: 'closed', company: '' } },
  { kind: 'crm_read', objectType: 'ticket', recordId: '6', at: T + 2, ref: 'crm-read:1762164000600', found: false, properties: {} },
  { kind: 'merged', objectType: 'contact', recordId: '101', at: T + 3, ref: ref(4) },
  { kind: 'merged_away', objectType: 'contact', recordId: '102', at: T + 3, ref: ref(4), into: '101' },
  { kind: 'merged_away', objectType: 'contact', recordId: '103', at: T + 3, ref: ref(4), into: '101' },
  { kind: 'deleted', objectType: 'ticket', recordId: '5', at: T + 4, ref: ref(5) },
  { kind: 'restored', objectType: 'ticket', recordId: '5', at: T + 5, ref: ref(6) },
  // HubSpot's eventId is not unique: two stored signals whose events differ only where no signal looks.
  { kind: 'property', objectType: 'ticket', recordId: '5', at: T + 6, ref: ref(7), property: 'stage', value: 'open' },
  { kind: 'property', objectType: 'ticket', recordId: '5', at: T + 6, ref: ref(7), property: 'stage', value: 'open' },
];

function readBack(text: string): readonly Signal[] {
  const parsed = parseEventsText(text, 'events.json');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const mapped = toSignals(parsed.events, { locations: parsed.locations });
  if (!mapped.ok) throw new Error(JSON.stringify(mapped.problems));
  expect(mapped.duplicates).toEqual([]);
  expect(mapped.ignored).toEqual([]);
  return mapped.signals;
}

describe('eventsOfSignals', () => {
  it('writes events that simulate reads back into the same signals, refs, sources and order included', () => {
    const events = eventsOfSignals(PORTAL, SIGNALS);
    expect(readBack(JSON.stringify(events))).toEqual(SIGNALS);
    // One event per merge, HubSpot's event ids kept.
    expect(events.map((e) => e.eventId)).toEqual([1, 2, 3, 1, 2, 4, 5, 6, 7, 7]);
    expect(events.find((e) => e.subscriptionType === 'contact.merge')).toMatchObject({ primaryObjectId: '101', mergedObjectIds: ['102', '103'] });
  });

  it('writes a CRM read as the service’s own event type, with the values read and when', () => {
    const [read] = eventsOfSignals(PORTAL, [SIGNALS[3]!]);
    expect(read).toEqual({
      eventId: 1,
      subscriptionId: 0,
      portalId: PORTAL,
      occurredAt: T + 2,
      attemptNumber: 0,
      subscriptionType: CRM_READ_TYPE,
      objectTypeId: '0-5',
      objectId: '5',
      found: true,
      properties: { stage: 'closed', company: '' },
      readAt: 1762164000500,
    });
  });

  it('is never read from a webhook delivery: HubSpot does not send it, and a delivery’s are ignored', () => {
    const reading = readWebhookBatch(eventsOfSignals(PORTAL, [SIGNALS[3]!]));
    expect(reading).toMatchObject({ ok: true, batch: { items: [], ignored: [{ reason: 'unknown_subscription_type' }] } });
  });

  it('refuses a CRM-read event in a file without the record, the read or a known object type', () => {
    const text = JSON.stringify([{ eventId: 1, subscriptionId: 0, portalId: PORTAL, occurredAt: T, subscriptionType: CRM_READ_TYPE, objectTypeId: '2-99' }]);
    const parsed = parseEventsText(text, 'events.json');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => [p.code, p.path.join('.')])).toEqual([
      ['invalid_value', 'events.0.objectTypeId'],
      ['required', 'events.0.objectId'],
      ['required', 'events.0.found'],
      ['required', 'events.0.properties'],
    ]);
  });
});
