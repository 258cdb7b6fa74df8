// The read API (`/api/outcomes`): the live ledger for tools and tests, behind the admin bearer token.
import express from 'express';
import type { Response } from 'express';
import type { OutcomeReader, ReadError } from '../../app/read-outcomes.ts';
import { bearerAuth } from './bearer-auth.ts';
import { context } from './request-log.ts';

export function readApi(reader: OutcomeReader, adminToken: string): express.Router {
  const api = express.Router();
  api.use(bearerAuth(adminToken));
  api.get('/outcomes', async (req, res) => {
    const portal = portalParam(req.query['portalId']);
    if (!portal.ok) return sendReadError(res, portal.error);
    const objectType = single(req.query['objectType'], 'objectType');
    if (!objectType.ok) return sendReadError(res, objectType.error);
    const recordId = single(req.query['recordId'], 'recordId');
    if (!recordId.ok) return sendReadError(res, recordId.error);
    const found = await reader.forRecord({ objectType: objectType.value, recordId: recordId.value, portalId: portal.value });
    if (!found.ok) return sendReadError(res, found.error);
    context(res).fields['outcomes'] = found.value.length;
    res.json({ outcomes: found.value });
  });
  api.get('/outcomes/:outcomeId', async (req, res) => {
    const portal = portalParam(req.query['portalId']);
    if (!portal.ok) return sendReadError(res, portal.error);
    const found = await reader.byId(String(req.params['outcomeId']), portal.value);
    if (!found.ok) return sendReadError(res, found.error);
    res.json(found.value);
  });
  return api;
}

type Param<T> = { ok: true; value: T } | { ok: false; error: ReadError };

function single(value: unknown, name: string): Param<string | undefined> {
  if (value === undefined || typeof value === 'string') return { ok: true, value };
  return { ok: false, error: { code: 'bad_request', path: name, message: 'must be given once, as text' } };
}

function portalParam(value: unknown): Param<number | undefined> {
  const text = single(value, 'portalId');
  if (!text.ok || text.value === undefined) return text as Param<undefined>;
  const n = /^\d{1,15}$/.test(text.value) ? Number(text.value) : Number.NaN;
  if (!Number.isSafeInteger(n)) return { ok: false, error: { code: 'bad_request', path: 'portalId', message: 'must be a HubSpot portal id (digits)' } };
  return { ok: true, value: n };
}

function sendReadError(res: Response, error: ReadError): void {
  const status = error.code === 'not_found' ? 404 : 400;
  context(res).fields['error'] = error.code;
  res.status(status).json({ error: error.code, path: error.path, message: error.message });
}
