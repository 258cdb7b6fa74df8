// The fault-injection test's workload: criteria with windows of seconds, records' stories as HubSpot webhook events (some hours behind), and their deliveries with repeats and shuffles.
import { hubSpotWebhookBatchSchema } from '../../src/adapters/hubspot/webhook-events.ts';
import type { HubSpotWebhookEvent } from '../../src/adapters/hubspot/webhook-events.ts';
import { shuffle } from '../support/service.ts';

export const PORTAL = 51_730_044;
const HOUR = 3_600_000;

/** Three criteria on two objects, every window a few seconds so a live story settles within the run. */
export const CRITERIA_YAML = `criteria:
  - id: chaos-ticket
    version: 1
    name: Ticket resolved within 2 s and still resolved 2 s later
    owner: chaos@example.com
    effective_from: 2020-01-01T00:00:00Z
    object: ticket
    trigger: { property: agent_started_at }
    success: "hs_pipeline_stage = '4' AND NOT hs_is_spam"
    within: 2s
    fail_if: "agent_status = 'error'"
    failure_reasons:
      - { if: "agent_error = 'policy'", reason: policy_block }
    exclude:
      - { if: "hs_is_spam", label: spam }
    retry_window: 2s
    cooldown: 1s
    idempotency_period: day
    review_window: 2s
    on_timeout: confirm
    approve_if: "billing_review = 'approved'"
    reject_if: "billing_review = 'rejected'"
    cap: { max: 1, per: record, period: day }
    price: { currency: USD, model: flat, unit_amount: "0.99" }
  - id: chaos-triage
    version: 1
    name: Ticket triaged to high priority within 2 s
    owner: chaos@example.com
    effective_from: 2020-01-01T00:00:00Z
    object: ticket
    trigger: { property: agent_triaged_at }
    success: "hs_ticket_priority = 'HIGH'"
    within: 2s
    review_window: 1s
    on_timeout: confirm
    price: { currency: USD, model: flat, unit_amount: "0.25" }
  - id: chaos-enrich
    version: 1
    name: Enriched lead becomes an MQL within 2 s
    owner: chaos@example.com
    effective_from: 2020-01-01T00:00:00Z
    object: contact
    trigger:
      property: agent_enrich_requested_at
      when: "agent_action = 'enrich_route'"
    success: "lifecyclestage = 'marketingqualifiedlead'"
    within: 2s
    fail_if: "agent_status = 'error'"
    failure_reasons:
      - { if: "company IS UNKNOWN", reason: insufficient_inputs }
    exclude:
      - { if: "email ENDS WITH '@test.example'", label: test_record }
    retry_window: 2s
    cooldown: 1s
    review_window: 2s
    on_timeout: reject
    approve_if: "billing_review = 'approved'"
    reject_if: "billing_review = 'rejected'"
    price:
      currency: USD
      model: graduated
      tiers:
        - { up_to: 3, unit_amount: "50.00" }
        - { up_to: null, unit_amount: "30.00" }
`;

/** One change of a record's story, `dt` ms after its start. */
type Step = readonly [dt: number, property: string, value: string];

function ticketStory(random: () => number): Step[] {
  const within = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));
  const steps: Step[] = [[0, 'agent_started_at', 'a']];
  const maybe = (p: number, step: () => Step) => {
    if (random() < p) steps.push(step());
  };
  maybe(0.7, () => [within(300, 2_500), 'hs_pipeline_stage', '4']);
  maybe(0.25, () => [within(200, 1_500), 'agent_status', 'error']);
  maybe(0.1, () => [within(100, 1_400), 'agent_error', 'policy']);
  maybe(0.35, () => [within(2_000, 3_500), 'agent_started_at', 'b']);
  maybe(0.25, () => [within(500, 3_500), 'hs_pipeline_stage', '2']);
  maybe(0.12, () => [within(0, 3_000), 'hs_is_spam', 'true']);
  maybe(0.3, () => [within(1_000, 4_000), 'billing_review', random() < 0.7 ? 'approved' : 'rejected']);
  maybe(0.4, () => [within(3_000, 4_500), 'hs_pipeline_stage', '4']);
  maybe(0.5, () => [within(0, 1_000), 'agent_triaged_at', 't']);
  maybe(0.5, () => [within(200, 3_000), 'hs_ticket_priority', random() < 0.7 ? 'HIGH' : 'LOW']);
  return steps;
}

function contactStory(random: () => number): Step[] {
  const within = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));
  const steps: Step[] = [[100, 'agent_enrich_requested_at', 'a']];
  const maybe = (p: number, step: () => Step) => {
    if (random() < p) steps.push(step());
  };
  maybe(0.85, () => [0, 'agent_action', 'enrich_route']);
  maybe(0.6, () => [within(50, 1_500), 'company', 'Acme']);
  maybe(0.65, () => [within(300, 2_800), 'lifecyclestage', 'marketingqualifiedlead']);
  maybe(0.2, () => [within(200, 2_000), 'agent_status', 'error']);
  maybe(0.35, () => [within(1_500, 4_000), 'billing_review', random() < 0.7 ? 'approved' : 'rejected']);
  maybe(0.1, () => [within(0, 500), 'email', 'lead@test.example']);
  maybe(0.3, () => [within(2_200, 4_000), 'agent_enrich_requested_at', 'b']);
  return steps;
}

export interface Workload {
  /** Every event once, attemptNumber 0. */
  readonly events: HubSpotWebhookEvent[];
  /** Records whose stories play out during the run, and records whose stories are hours behind. */
  readonly liveRecords: number;
  readonly pastRecords: number;
  /** The latest event time of a story played out during the run. */
  readonly lastLiveAt: number;
}

/**
 * `live` records per object type start their stories between 0.5 and 6 s after `start`; `past` more
 * start 1 to 5 hours before it, so every event of theirs is hours behind the records' clocks, and half
 * of those have a second story that plays out during the run. A record's events have distinct times:
 * two signals of one instant apply in arrival order, which shuffles change.
 */
export function buildWorkload(start: number, live: number, past: number, random: () => number): Workload {
  const events: HubSpotWebhookEvent[] = [];
  let eventId = 6_200_000_000 + Math.floor(random() * 1_000_000);
  let lastLiveAt = start;
  const tell = (objectType: 'ticket' | 'contact', objectId: number, at: number, steps: readonly Step[]) => {
    const used = new Set<number>();
    for (const [dt, propertyName, propertyValue] of steps) {
      let occurredAt = at + dt;
      while (used.has(occurredAt)) occurredAt += 1;
      used.add(occurredAt);
      events.push({
        eventId: eventId++, subscriptionId: 3_300_101, portalId: PORTAL, appId: 4_101_707, attemptNumber: 0, occurredAt,
        subscriptionType: `${objectType}.propertyChange`, objectId: String(objectId), propertyName, propertyValue, changeSource: 'INTEGRATION', sourceId: '7731',
      } as HubSpotWebhookEvent);
      if (at >= start) lastLiveAt = Math.max(lastLiveAt, occurredAt);
    }
  };
  let id = 81_000;
  for (let i = 0; i < live; i++) {
    tell('ticket', ++id, start + 500 + Math.floor(random() * 5_500), ticketStory(random));
    tell('contact', ++id, start + 500 + Math.floor(random() * 5_500), contactStory(random));
  }
  for (let i = 0; i < past; i++) {
    for (const [objectType, story] of [['ticket', ticketStory], ['contact', contactStory]] as const) {
      tell(objectType, ++id, start - HOUR - Math.floor(random() * 4 * HOUR), story(random));
      // Half of them have a story now too: their late inputs are replayed from hours back through the live ones.
      if (random() < 0.5) tell(objectType, id, start + 500 + Math.floor(random() * 5_500), story(random));
    }
  }
  return { events: hubSpotWebhookBatchSchema.parse(events), liveRecords: 2 * live, pastRecords: 2 * past, lastLiveAt };
}

export interface Delivery {
  /** Epoch ms at which it is first posted. */
  readonly sendAt: number;
  readonly events: HubSpotWebhookEvent[];
  readonly repeat: boolean;
}

/**
 * Deliveries of one or two events. A story playing out now is delivered around its events' times (from
 * 0.3 s before the latest to 0.7 s after: the hold puts those in order); a past story's events, shuffled,
 * are delivered at random moments over the first `spanMs`. Nearly half the deliveries come again (some twice)
 * 0.2 to 4 s later with a higher attemptNumber, shuffled. Sorted by send time.
 */
export function deliveriesOf(w: Workload, start: number, spanMs: number, random: () => number): Delivery[] {
  const originals: Delivery[] = [];
  const cut = (events: readonly HubSpotWebhookEvent[], sendAt: (batch: HubSpotWebhookEvent[]) => number) => {
    for (let i = 0; i < events.length; ) {
      const size = random() < 0.75 ? 1 : 2;
      const batch = shuffle(events.slice(i, i + size), random);
      originals.push({ sendAt: sendAt(batch), events: batch, repeat: false });
      i += size;
    }
  };
  const live = w.events.filter((e) => e.occurredAt >= start).sort((a, b) => a.occurredAt - b.occurredAt);
  cut(live, (batch) => Math.max(...batch.map((e) => e.occurredAt)) - 300 + Math.floor(random() * 1_000));
  cut(shuffle(w.events.filter((e) => e.occurredAt < start), random), () => start + Math.floor(random() * spanMs));
  const again = (d: Delivery): Delivery => ({
    sendAt: d.sendAt + 200 + Math.floor(random() * 3_800),
    events: shuffle(d.events.map((e) => ({ ...e, attemptNumber: (e.attemptNumber ?? 0) + 1 + Math.floor(random() * 3) })), random),
    repeat: true,
  });
  const repeats = originals.flatMap((d) => {
    const r = random();
    return r < 0.15 ? [again(d), again(d)] : r < 0.45 ? [again(d)] : [];
  });
  return [...originals, ...repeats].sort((a, b) => a.sendAt - b.sendAt);
}
