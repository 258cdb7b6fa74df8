// The fault-injection test's operator: pauses and resumes a criteria and disputes outcomes through the signed card routes, retrying through the outage as the card's user would.
import type { Redis } from 'ioredis';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../src/adapters/http/hubspot-signature.ts';
import { readLedger, sleep } from '../support/service.ts';
import type { Service } from '../support/service.ts';
import { PORTAL } from './chaos-workload.ts';

export const ANN = { userId: 7, email: 'ann@example.com' };
/** The one dispute resolver (DISPUTE_RESOLVERS). */
export const REX = { userId: 9, email: 'rex@example.com' };
type User = typeof ANN;

export interface OperatorFigures {
  /** Actions the service took (202), and those it refused (4xx: e.g. an outcome no longer billable). */
  accepted: number;
  refused: string[];
  retries: number;
}

/** A card request as HubSpot signs it, retried with backoff on a 5xx or a failed connection; false when refused. */
async function post(svc: Service, figures: OperatorFigures, path: string, body: unknown, user: User): Promise<boolean> {
  const url = `${path}?portalId=${PORTAL}&userId=${user.userId}&userEmail=${encodeURIComponent(user.email)}&appId=4101707`;
  const raw = JSON.stringify(body);
  for (let attempt = 0; attempt < 40; attempt++) {
    const timestamp = String(Date.now());
    const signature = signHubSpotV3({ method: 'POST', url: svc.publicBaseUrl + url, rawBody: raw, timestamp, secret: svc.secret });
    try {
      const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [TIMESTAMP_HEADER]: timestamp };
      const res = await fetch(svc.baseUrl + url, { method: 'POST', headers, body: raw, signal: AbortSignal.timeout(5_000) });
      const text = await res.text();
      if (res.status === 202) figures.accepted++;
      else if (res.status < 500) figures.refused.push(`${path} ${res.status}: ${text.slice(0, 300)}`);
      if (res.status < 500) return res.status === 202;
    } catch {
      // no answer: try again, as below
    }
    figures.retries++;
    await sleep(Math.min(1_600, 100 * 2 ** attempt));
  }
  figures.refused.push(`${path}: no answer after 40 tries`);
  return false;
}

/**
 * Pauses `criteriaId` at `pauseAt` and resumes it at `resumeAt` (during the outage: retried until Redis
 * is back); at `disputeAt`, disputes up to four billable outcomes, of the records hours behind first
 * (their late inputs are still coming), and resolves each, upheld and rejected in turn.
 */
export async function operate(svc: Service, reader: Redis, prefix: string, times: { pauseAt: number; resumeAt: number; disputeAt: number }, criteriaId: string): Promise<OperatorFigures> {
  const figures: OperatorFigures = { accepted: 0, refused: [], retries: 0 };
  await sleep(times.pauseAt - Date.now());
  await post(svc, figures, '/ui/pauses', { requestId: 'chaos-pause', criteriaId, action: 'pause', note: 'agent bug' }, REX);
  await sleep(times.resumeAt - Date.now());
  await post(svc, figures, '/ui/pauses', { requestId: 'chaos-resume', criteriaId, action: 'resume', note: 'fixed' }, REX);
  await sleep(times.disputeAt - Date.now());
  const billable = (await readLedger(reader, prefix)).outcomes.filter((o) => o.status === 'billable').sort((a, b) => a.openedAt - b.openedAt);
  for (const [i, o] of billable.slice(0, 4).entries()) {
    const opened = await post(svc, figures, '/ui/disputes', { requestId: `chaos-open-${i}`, outcomeId: o.outcomeId, category: 'wrong_record', note: 'not ours' }, ANN);
    if (!opened) continue;
    const resolution = i % 2 === 0 ? 'upheld' : 'rejected';
    await post(svc, figures, '/ui/disputes/resolve', { requestId: `chaos-resolve-${i}`, outcomeId: o.outcomeId, resolution, note: 'checked' }, REX);
  }
  return figures;
}
