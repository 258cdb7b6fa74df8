// `npm run bench`: replays a generated workload through the decision core and prints throughput and peak memory.
// A benchmark, not a test: it asserts nothing and prints figures for docs/performance.md.
import { buildCriteriaSet } from '../src/core/criteria/criteria-set.ts';
import { seededRandom } from '../test/support/seeded-random.ts';
import { parseCriteriaText } from '../src/core/criteria/parse-file.ts';
import { simulate } from '../src/core/simulate.ts';
import type { ObjectType, Signal } from '../src/core/types.ts';

const SIGNALS = Number(process.env.BENCH_SIGNALS ?? 1_000_000);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);

const CRITERIA = `
criteria:
  - id: enrich-route
    version: 1
    name: Enriched MQL routed within ten minutes
    owner: revops@example.com
    effective_from: 2026-10-01T00:00:00Z
    object: contact
    trigger: { property: agent_enrich_requested_at, when: "agent_action = 'enrich_route'" }
    success: "lifecyclestage = 'marketingqualifiedlead' AND hubspot_owner_id IS KNOWN"
    within: 10m
    fail_if: "agent_status = 'error'"
    failure_reasons:
      - { if: "company IS UNKNOWN", reason: insufficient_inputs }
    exclude:
      - { if: "email ENDS WITH '@test.example'", label: test_record }
    retry_window: 30m
    cooldown: 1m
    review_window: 24h
    approve_if: "billing_review = 'approved'"
    reject_if: "billing_review = 'rejected'"
    cap: { max: 1, per: record, period: day }
    price:
      currency: USD
      model: graduated
      tiers:
        - { up_to: 100, unit_amount: "50.00" }
        - { up_to: 500, unit_amount: "40.00" }
        - { up_to: null, unit_amount: "30.00" }
  - id: meeting-booked
    version: 1
    name: Meeting booked on the deal
    owner: revops@example.com
    effective_from: 2026-10-01T00:00:00Z
    object: deal
    timezone: America/New_York
    trigger: { property: agent_booking_requested_at }
    success: "meeting_booked_at IS KNOWN AND dealstage IN ('appointmentscheduled', 'qualifiedtobuy')"
    within: 2h
    retry_window: 1h
    cooldown: 30s
    idempotency_period: week
    review_window: 48h
    price: { currency: USD, model: volume, tiers: [{ up_to: 1000, unit_amount: "20.00" }, { up_to: null, unit_amount: "15.00" }] }
  - id: ticket-resolved
    version: 1
    name: Ticket resolved and not reopened for 72 hours
    owner: support-ops@example.com
    effective_from: 2026-10-01T00:00:00Z
    object: ticket
    trigger: { property: agent_resolution_started_at }
    success: "hs_pipeline_stage = '4' AND NOT hs_is_spam"
    within: 1d
    fail_if: "agent_status = 'handed_off'"
    failure_reasons:
      - { if: "agent_handoff_reason = 'policy'", reason: policy_block }
    exclude:
      - { if: "hs_is_spam", label: spam }
    retry_window: 2h
    cooldown: 30s
    review_window: 72h
    price: { currency: USD, model: flat, unit_amount: "0.99" }
`;


type Step = [minutes: number, property: string, value: string];
const SCRIPTS: Record<ObjectType, Step[][]> = {
  contact: [
    [[0, 'agent_action', 'enrich_route'], [0, 'agent_enrich_requested_at', 'p'], [0.2, 'agent_enrich_requested_at', 'p'], [3, 'company', 'Acme'], [4, 'hubspot_owner_id', '77'], [5, 'lifecyclestage', 'marketingqualifiedlead'], [60, 'billing_review', 'approved']],
    [[0, 'agent_action', 'enrich_route'], [0, 'agent_enrich_requested_at', 'p'], [2, 'agent_status', 'error'], [10, 'agent_enrich_requested_at', 'p'], [12, 'agent_status', 'ok'], [14, 'hubspot_owner_id', '3'], [15, 'lifecyclestage', 'marketingqualifiedlead']],
    [[0, 'email', 'lead@test.example'], [0, 'agent_action', 'enrich_route'], [1, 'agent_enrich_requested_at', 'p'], [5, 'lifecyclestage', 'lead']],
  ],
  deal: [
    [[0, 'agent_booking_requested_at', 'p'], [0.1, 'agent_booking_requested_at', 'p'], [30, 'meeting_booked_at', 'x'], [31, 'dealstage', 'appointmentscheduled'], [600, 'amount', '1200']],
    [[0, 'agent_booking_requested_at', 'p'], [200, 'dealstage', 'qualifiedtobuy'], [201, 'meeting_booked_at', 'x']],
  ],
  ticket: [
    [[0, 'agent_resolution_started_at', 'p'], [180, 'hs_pipeline_stage', '4'], [200, 'subject', 'done']],
    [[0, 'agent_resolution_started_at', 'p'], [60, 'hs_pipeline_stage', '4'], [1440, 'hs_pipeline_stage', '2']],
    [[0, 'agent_resolution_started_at', 'p'], [20, 'agent_handoff_reason', 'policy'], [20, 'agent_status', 'handed_off']],
    [[0, 'agent_resolution_started_at', 'p'], [5, 'hs_is_spam', 'true']],
  ],
};
const TYPES: ObjectType[] = ['contact', 'deal', 'ticket'];

/** Records run scripted workflows (presses, retries, double clicks, successes, reversals) padded with other property changes, interleaved in time. */
function workload(): Signal[] {
  const rand = seededRandom(42);
  const perRecord = SIGNALS / RECORDS;
  const start = Date.parse('2026-11-02T00:00:00Z');
  const signals: Signal[] = [];
  for (let r = 0; r < RECORDS; r++) {
    const objectType = TYPES[r % 3]!;
    const scripts = SCRIPTS[objectType];
    const script = scripts[Math.floor(rand() * scripts.length)]!;
    const t0 = start + Math.floor(rand() * 20 * 86_400_000);
    const recordId = String(1000 + r);
    const steps = [...script];
    while (steps.length < perRecord) steps.push([Math.floor(rand() * 3000), `note_${Math.floor(rand() * 5)}`, String(Math.floor(rand() * 1e6))]);
    steps.length = perRecord;
    for (const [minutes, property, value] of steps) signals.push({ objectType, recordId, at: t0 + Math.round(minutes * 60_000), kind: 'property', property, value });
  }
  // Arrival order is time order across the whole portal, as a recorded event log would be.
  return signals.sort((a, b) => a.at - b.at);
}

const parsed = parseCriteriaText(CRITERIA);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const set = buildCriteriaSet(parsed.versions.map((v) => ({ ...v, source: 'bench' })));
if (!set.ok) throw new Error(JSON.stringify(set.problems));

const g0 = performance.now();
const signals = workload();
const genMs = performance.now() - g0;
globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;

const t0 = performance.now();
const result = simulate({ criteria: set.set, records: [], signals, until: null });
const ms = performance.now() - t0;
const heapAfter = process.memoryUsage().heapUsed;
const peakRss = process.resourceUsage().maxRSS * 1024;

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const s = result.summary;
console.log(`workload: ${signals.length.toLocaleString('en')} signals over ${RECORDS.toLocaleString('en')} records, 3 criteria (generated in ${(genMs / 1000).toFixed(1)} s, not counted)`);
console.log(`outcomes: ${s.attempts.toLocaleString('en')} attempts, ${s.billable.toLocaleString('en')} billable, ${s.presses.toLocaleString('en')} presses; invoice lines: ${result.invoice.length}`);
console.log(`replay:   ${(ms / 1000).toFixed(2)} s, ${Math.round(signals.length / (ms / 1000)).toLocaleString('en')} signals/s`);
console.log(`memory:   peak RSS ${mb(peakRss)} (whole process, workload included); heap held by the ledger ~${mb(heapAfter - heapBefore)}`);
console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
