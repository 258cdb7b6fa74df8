// The webhook event schema: what HubSpot sends, checked field by field.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hubSpotWebhookBatchSchema, hubSpotWebhookEventSchema } from '../../../src/adapters/hubspot/webhook-events.ts';
import { EXAMPLE, raw, parsed } from './webhook-fixtures.ts';

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

  it.each([
    [2 ** 60, 'a number too large to be exact'],
    [-5, '-5'],
    [253402300800000, '253402300800000'],
  ])('says the range of occurredAt when %s is outside it, once', (occurredAt, got) => {
    const result = hubSpotWebhookEventSchema.safeParse(raw({ subscriptionType: 'contact.creation', objectId: 1, occurredAt }));
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      `must be epoch milliseconds from 0 (1970-01-01T00:00:00Z) to 253402300799999 (9999-12-31T23:59:59.999Z), got ${got}`,
    ]);
  });

  it('does not ask ignored event types for fields they would need', () => {
    expect(hubSpotWebhookEventSchema.safeParse(raw({ subscriptionType: 'company.propertyChange', objectId: 1 })).success).toBe(true);
    expect(hubSpotWebhookEventSchema.safeParse(raw({ subscriptionType: 'object.propertyChange', objectTypeId: '2-123', objectId: 1 })).success).toBe(true);
    expect(hubSpotWebhookEventSchema.safeParse(raw({ subscriptionType: 'object.associationChange', fromObjectId: 1, toObjectId: 2 })).success).toBe(true);
  });
});
