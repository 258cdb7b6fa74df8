// The quarantine read API (`/api/quarantine`): events of signed deliveries that were not stored as signals, behind the admin bearer token.
import express from 'express';
import type { Response } from 'express';
import type { QuarantineStore } from '../../app/quarantine-ports.ts';
import type { Problem } from '../../core/problems.ts';
import { formatProblem } from '../../core/problems.ts';
import { bearerAuth } from './bearer-auth.ts';
import { HttpError } from './errors.ts';
import { context } from './request-log.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1_000;

export interface QuarantineApiDeps {
  readonly store: QuarantineStore;
  readonly adminToken: string;
  readonly clock: () => number;
}

/**
 * `GET /quarantine?portalId=<id>[&limit=<n>]`: the portal's quarantined events, newest first, with how
 * many are kept in all. `portalId=unknown` lists deliveries in which no event named a portal.
 */
export function quarantineApi(deps: QuarantineApiDeps): express.Router {
  const api = express.Router();
  api.use('/quarantine', bearerAuth(deps.adminToken));
  api.get('/quarantine', async (req, res) => {
    const portal = portalParam(req.query['portalId']);
    if ('problem' in portal) throw refused(res, portal.problem);
    const limit = limitParam(req.query['limit']);
    if (typeof limit !== 'number') throw refused(res, limit.problem);
    const { entries, total } = await deps.store.list(portal.value, limit, deps.clock());
    context(res).fields['quarantined'] = entries.length;
    res.json({
      portalId: portal.value,
      total,
      quarantined: entries.map((e) => ({ receivedAt: new Date(e.receivedAt).toISOString(), reason: e.reason, problems: e.problems, event: e.event })),
    });
  });
  return api;
}

function text(value: unknown, name: string): string | undefined | { problem: Problem } {
  if (value === undefined || typeof value === 'string') return value;
  return { problem: { code: 'invalid_type', path: [name], message: 'must be given once, as text' } };
}

function portalParam(value: unknown): { value: number | null } | { problem: Problem } {
  const t = text(value, 'portalId');
  if (typeof t === 'object') return t;
  if (t === undefined) return { problem: { code: 'required', path: ['portalId'], message: 'is required: a HubSpot portal id, or unknown' } };
  if (t === 'unknown') return { value: null };
  const n = /^\d{1,15}$/.test(t) ? Number(t) : Number.NaN;
  return Number.isSafeInteger(n) ? { value: n } : { problem: { code: 'invalid_format', path: ['portalId'], message: 'must be a HubSpot portal id (digits), or unknown' } };
}

function limitParam(value: unknown): number | { problem: Problem } {
  const t = text(value, 'limit');
  if (typeof t === 'object') return t;
  if (t === undefined) return DEFAULT_LIMIT;
  const n = /^\d{1,7}$/.test(t) ? Number(t) : Number.NaN;
  return n >= 1 && n <= MAX_LIMIT ? n : { problem: { code: 'invalid_value', path: ['limit'], message: `must be a whole number from 1 to ${MAX_LIMIT}` } };
}

function refused(res: Response, problem: Problem): HttpError {
  context(res).fields['error'] = 'bad_request';
  return new HttpError(400, 'bad_request', formatProblem(problem), { problems: [problem] });
}
