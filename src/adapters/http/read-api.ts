// The read API (`/api/outcomes`): the live ledger for tools and tests, behind the admin bearer token.
import express from 'express';
import type { Response } from 'express';
import type { OutcomeReader, ReadError } from '../../app/read-outcomes.ts';
import { formatProblem } from '../../core/problems.ts';
import { bearerAuth } from './bearer-auth.ts';
import { HttpError } from './errors.ts';
import { context } from './request-log.ts';

export function readApi(reader: OutcomeReader, adminToken: string): express.Router {
  const api = express.Router();
  api.use(bearerAuth(adminToken));
  api.get('/outcomes', async (req, res) => {
    const portal = portalParam(req.query['portalId']);
    if (!portal.ok) throw refused(res, portal.error);
    const objectType = single(req.query['objectType'], 'objectType');
    if (!objectType.ok) throw refused(res, objectType.error);
    const recordId = single(req.query['recordId'], 'recordId');
    if (!recordId.ok) throw refused(res, recordId.error);
    const found = await reader.forRecord({ objectType: objectType.value, recordId: recordId.value, portalId: portal.value });
    if (!found.ok) throw refused(res, found.error);
    context(res).fields['outcomes'] = found.value.length;
    res.json({ outcomes: found.value });
  });
  api.get('/outcomes/:outcomeId', async (req, res) => {
    const portal = portalParam(req.query['portalId']);
    if (!portal.ok) throw refused(res, portal.error);
    const found = await reader.byId(String(req.params['outcomeId']), portal.value);
    if (!found.ok) throw refused(res, found.error);
    res.json(found.value);
  });
  return api;
}

type Param<T> = { ok: true; value: T } | { ok: false; error: ReadError };

function single(value: unknown, name: string): Param<string | undefined> {
  if (value === undefined || typeof value === 'string') return { ok: true, value };
  return { ok: false, error: { code: 'bad_request', problem: { code: 'invalid_type', path: [name], message: 'must be given once, as text' } } };
}

function portalParam(value: unknown): Param<number | undefined> {
  const text = single(value, 'portalId');
  if (!text.ok || text.value === undefined) return text as Param<undefined>;
  const n = /^\d{1,15}$/.test(text.value) ? Number(text.value) : Number.NaN;
  if (!Number.isSafeInteger(n)) return { ok: false, error: { code: 'bad_request', problem: { code: 'invalid_format', path: ['portalId'], message: 'must be a HubSpot portal id (digits)' } } };
  return { ok: true, value: n };
}

/** The answer to a refused read: 404 when it names no outcome, 400 otherwise; the problem names the parameter. */
function refused(res: Response, error: ReadError): HttpError {
  context(res).fields['error'] = error.code;
  return new HttpError(error.code === 'not_found' ? 404 : 400, error.code, formatProblem(error.problem), { problems: [error.problem] });
}
