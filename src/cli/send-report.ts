// What `outcome-billing send` prints: a one-line progress for terminals and the closing summary.
import { WEBHOOK_PATH } from '../adapters/http/paths.ts';
import type { FailedDelivery, SendTally } from '../adapters/hubspot/webhook-sender.ts';
import { formatPath } from '../core/problems.ts';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `sending: 12/40 batches done, 1150/4000 events sent, 2 retried, 0 failed`. */
export function progressLine(tally: SendTally): string {
  const answered = tally.sentDeliveries + tally.refused.length + tally.gaveUp.length;
  const failed = tally.refused.length + tally.gaveUp.length;
  return `sending: ${answered}/${tally.deliveries} batches done, ${tally.sentEvents}/${tally.events} events sent, ${tally.retries} retried, ${failed} failed`;
}

/** The summary for stdout, and one line per refused or given-up batch for stderr. */
export function summaryLines(tally: SendTally, url: string): { out: string[]; err: string[] } {
  const out = [
    `sent ${tally.sentDeliveries} of ${plural(tally.deliveries, 'batch', 'batches')} (${tally.sentEvents} of ${plural(tally.events, 'event')}) to ${url}`,
    `the service accepted ${plural(tally.accepted, 'event')}: ${tally.stored} stored, ${plural(tally.duplicates, 'duplicate')}, ${tally.ignored} ignored${tally.quarantined > 0 ? `, ${tally.quarantined} quarantined (GET /api/quarantine)` : ''}`,
    `retried: ${plural(tally.retries, 'request')}`,
  ];
  const failedEvents = (list: readonly FailedDelivery[]) => list.reduce((n, f) => n + f.events, 0);
  if (tally.refused.length > 0) out.push(`refused: ${plural(tally.refused.length, 'batch', 'batches')} (${plural(failedEvents(tally.refused), 'event')})`);
  if (tally.gaveUp.length > 0) out.push(`given up: ${plural(tally.gaveUp.length, 'batch', 'batches')} (${plural(failedEvents(tally.gaveUp), 'event')})`);
  const where = (f: FailedDelivery) => `batch ${f.delivery} (${plural(f.events, 'event')} from ${formatPath(f.from)})`;
  const err: string[] = [
    ...[...tally.refused].sort(byDelivery).map((f) => `${where(f)} refused: ${f.reason}`),
    ...[...tally.gaveUp].sort(byDelivery).map((f) => `${where(f)} given up after ${plural(f.tries, 'try', 'tries')}: ${f.reason}`),
  ];
  // The usual cause: the URL or secret differ from what the service signs with, not the events.
  if (tally.refused.some((f) => f.status === 401)) {
    err.push(`a 401 means the signature did not match: --to must be the service's PUBLIC_BASE_URL followed by ${WEBHOOK_PATH}, and the secret its HUBSPOT_CLIENT_SECRET`);
  }
  return { out, err };
}

const byDelivery = (a: FailedDelivery, b: FailedDelivery) => a.delivery - b.delivery;
