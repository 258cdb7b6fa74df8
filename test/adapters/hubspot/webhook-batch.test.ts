// One delivery as the receiver hands it to the ingest use case.
import { describe, expect, it } from 'vitest';
import { readWebhookBatch } from '../../../src/adapters/hubspot/webhook-batch.ts';
import { raw } from './webhook-fixtures.ts';

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
