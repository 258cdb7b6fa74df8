// Shared fixtures of the webhook adapter tests: raw HubSpot events, parsed ones, and how problems are shown.
import type { Signal } from '../../../src/core/types.ts';
import { hubSpotWebhookEventSchema } from '../../../src/adapters/hubspot/webhook-events.ts';
import type { HubSpotWebhookEvent } from '../../../src/adapters/hubspot/webhook-events.ts';
import type { ToSignalsResult } from '../../../src/adapters/hubspot/webhook-signals.ts';
import { formatPath } from '../../../src/core/problems.ts';
import type { Problem } from '../../../src/core/problems.ts';

/** Problems as printed: the path formatted (`events[1].portalId`), with the message. */
export const shown = (result: { ok: true } | { ok: false; problems: readonly Problem[] }) =>
  result.ok ? false : result.problems.map((p) => ({ path: formatPath(p.path), message: p.message }));

export const EXAMPLE = new URL('../../../../shared/examples/ticket-resolved/events.json', import.meta.url);

let nextEventId = 5000;
/** A raw event as HubSpot would POST it; each call gets a fresh eventId unless given one. */
export function raw(fields: Record<string, unknown>): Record<string, unknown> {
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

export function parsed(fields: Record<string, unknown>): HubSpotWebhookEvent {
  return hubSpotWebhookEventSchema.parse(raw(fields));
}

export function ok(result: ToSignalsResult) {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.problems)}`);
  return result;
}

/** Signals without what every fixture event has alike: its ref, time and source (`userId:1`). */
export const strip = (signals: readonly Signal[]) => signals.map(({ ref: _ref, at: _at, source: _source, ...rest }) => rest);
