// One delivery as the receiver hands it to the ingest use case: good events mapped, bad ones quarantined with their reason.
import { describe, expect, it } from 'vitest';
import { MAX_FUTURE_MS, QUARANTINE_EVENT_CHARS, readWebhookBatch } from '../../../src/adapters/hubspot/webhook-batch.ts';
import { raw } from './webhook-fixtures.ts';

const NOW = 1793700000000;

function batchOf(body: unknown, now?: number) {
  const reading = readWebhookBatch(body, now === undefined ? {} : { now });
  if (!reading.ok) throw new Error(JSON.stringify(reading.problems));
  return reading.batch;
}

describe('readWebhookBatch: one delivery as the receiver hands it to the ingest use case', () => {
  it('counts events, in-delivery retries and ignored events, and keeps one item per signal', () => {
    const prop = raw({ subscriptionType: 'contact.propertyChange', objectId: 4, propertyName: 'email', propertyValue: 'a@b.c' });
    const batch = batchOf([prop, { ...prop, attemptNumber: 1 }, raw({ subscriptionType: 'company.creation', objectId: 5 })]);
    expect(batch).toMatchObject({ portalId: 4242, events: 3, duplicates: 1, ignored: [{ reason: 'unsupported_object_type' }], quarantined: [] });
    expect(batch.items).toHaveLength(1);
  });

  it('refuses only a body that is not an array', () => {
    expect(readWebhookBatch({ events: [] })).toEqual({
      ok: false,
      problems: [{ code: 'invalid_type', path: ['events'], message: 'expected a JSON array of HubSpot webhook events' }],
    });
  });

  it('quarantines a malformed event with its problems, paths from the event, and maps the others', () => {
    const good = raw({ subscriptionType: 'contact.creation', objectId: 1 });
    const bad = raw({ subscriptionType: 'contact.creation', objectId: 2, occurredAt: undefined, eventId: 'x' });
    const batch = batchOf([good, bad, 'not an event']);
    expect(batch.items.map((i) => i.signal.recordId)).toEqual(['1']);
    expect(batch.events).toBe(3);
    expect(batch.quarantined).toEqual([
      {
        index: 1,
        reason: 'invalid_event',
        problems: [
          { code: 'invalid_type', path: ['eventId'], message: 'expected an integer event id' },
          { code: 'required', path: ['occurredAt'], message: 'is required' },
        ],
        event: bad,
      },
      { index: 2, reason: 'invalid_event', problems: [expect.objectContaining({ code: 'invalid_type', path: [] })], event: 'not an event' },
    ]);
  });

  it('quarantines an event of another portal than the first valid one', () => {
    const bad = raw({ subscriptionType: 'contact.creation', objectId: 2 });
    const other = raw({ subscriptionType: 'contact.creation', objectId: 3, portalId: 777 });
    const good = raw({ subscriptionType: 'contact.creation', objectId: 1 });
    const batch = batchOf([{ ...bad, objectId: -1 }, other, good]);
    expect(batch.portalId).toBe(777);
    expect(batch.items.map((i) => i.signal.recordId)).toEqual(['3']);
    expect(batch.quarantined.map((q) => q.reason)).toEqual(['invalid_event', 'portal_conflict']);
    expect(batch.quarantined[1]!.problems).toEqual([{ code: 'conflict', path: ['portalId'], message: 'portal 4242 differs from portal 777 of the delivery: one portal at a time' }]);
  });

  it('files a delivery without any readable portal under none', () => {
    expect(batchOf([{}, { portalId: 'x' }]).portalId).toBeNull();
    expect(batchOf([{ portalId: 55 }]).portalId).toBe(55);
  });

  it('quarantines an event more than 24 h after the clock, and keeps one at 24 h', () => {
    const atLimit = raw({ subscriptionType: 'contact.creation', objectId: 1, occurredAt: NOW + MAX_FUTURE_MS });
    const beyond = raw({ subscriptionType: 'contact.creation', objectId: 2, occurredAt: NOW + MAX_FUTURE_MS + 1 });
    const batch = batchOf([atLimit, beyond], NOW);
    expect(batch.items.map((i) => i.signal.recordId)).toEqual(['1']);
    expect(batch.quarantined).toEqual([
      { index: 1, reason: 'future_event', problems: [{ code: 'invalid_value', path: ['occurredAt'], message: expect.stringMatching(/^is 24\.0 h after the receiver's clock .*more than 24 h in the future$/) }], event: beyond },
    ]);
    // Without a clock (files, tests), time is not checked.
    expect(batchOf([beyond]).quarantined).toEqual([]);
  });

  it('keeps a large malformed event as a summary of its short fields', () => {
    const huge = raw({ subscriptionType: 'contact.propertyChange', objectId: 9, propertyName: 'notes', propertyValue: 'x'.repeat(QUARANTINE_EVENT_CHARS), occurredAt: 'soon' });
    const [q] = batchOf([huge]).quarantined;
    expect(q?.event).toEqual({
      truncated: true,
      chars: JSON.stringify(huge).length,
      eventId: huge['eventId'],
      subscriptionId: 7001,
      portalId: 4242,
      appId: 9001,
      occurredAt: 'soon',
      attemptNumber: 0,
      changeSource: 'CRM_UI',
      sourceId: 'userId:1',
      subscriptionType: 'contact.propertyChange',
      objectId: 9,
      propertyName: 'notes',
    });
  });
});
