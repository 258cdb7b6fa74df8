// The settings page's calls (docs/card-api.md, "The settings page"): criteria versions, draft checks and publishing, signed by HubSpot like the card's.
import express from 'express';
import type { Response } from 'express';
import { z } from 'zod';
import { listCriteria, publishOnce, validateDraft } from '../../app/criteria-settings.ts';
import type { CriteriaSettingsDeps } from '../../app/criteria-settings.ts';
import type { DraftRequest, PublishResult } from '../../app/criteria-publish.ts';
import { SUBSCRIPTION_ADVICE } from '../../app/criteria-publish.ts';
import type { Config } from '../../config/env.ts';
import { isoUtc } from '../../core/time.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { HttpError } from './errors.ts';
import { accessBody, mountAccess } from './ui-access.ts';
import { hubspotSigned, signedRequest } from './hubspot-signed.ts';
import { parseJsonBody } from './json-body.ts';
import { context } from './request-log.ts';
import { cardCaller, reading } from './ui-read.ts';

const UI_CRITERIA_PATH = '/ui/criteria';

export interface UiCriteriaDeps {
  readonly config: Pick<Config, 'publicBaseUrl' | 'hubspotClientSecret' | 'maxBodyBytes'>;
  readonly settings: CriteriaSettingsDeps;
  readonly clock: () => number;
}

export const MAX_DRAFT_CHARS = 100_000;
const text = z.string().min(1, { error: 'must be the draft’s YAML text' }).max(MAX_DRAFT_CHARS, { error: `must be at most ${MAX_DRAFT_CHARS} characters` });
const draftFields = { text, changeNotes: z.string().max(5_000).nullable().optional(), effectiveFrom: z.string().nullable().optional() };
const requestId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: 'must be the page’s id for this request (a UUID)' });

const validateBody = z.strictObject(draftFields);
const publishBody = z.strictObject({ requestId, ...draftFields, answers: z.array(z.string().min(1).max(300)).max(500).optional() });

export function uiCriteria(deps: UiCriteriaDeps): express.Router {
  const { config } = deps;
  const router = express.Router();
  const signed = hubspotSigned({ publicBaseUrl: config.publicBaseUrl, secret: config.hubspotClientSecret, clock: deps.clock, maxBodyBytes: config.maxBodyBytes, caller: 'ui' });

  router.get(UI_CRITERIA_PATH, signed, async (_req, res) => {
    const caller = cardCaller(res);
    const view = await reading(res, () => listCriteria(deps.settings, caller));
    context(res).fields['criteria'] = view.criteria.length;
    res.set('Cache-Control', 'no-store').json(view);
  });

  router.post(`${UI_CRITERIA_PATH}/validate`, signed, async (_req, res) => {
    const caller = cardCaller(res);
    const body = readBody(res, validateBody);
    const view = await reading(res, () => validateDraft(deps.settings, caller, draftOf(body)));
    context(res).fields['valid'] = view.valid;
    res.set('Cache-Control', 'no-store').json(view);
  });

  router.post(`${UI_CRITERIA_PATH}/publish`, signed, async (_req, res) => {
    const caller = cardCaller(res);
    const body = readBody(res, publishBody);
    const ctx = context(res).fields;
    Object.assign(ctx, { userId: caller.userId, requestId: body.requestId });
    const draft = { ...draftOf(body), answers: (body.answers ?? []).map((outcomeId) => ({ portalId: caller.portalId, outcomeId })) };
    const result = await reading(res, () => publishOnce(deps.settings, caller, body.requestId, draft, (r) => JSON.stringify(publishedAnswer(r))));
    ctx['result'] = result.kind;
    switch (result.kind) {
      case 'answered':
        res.status(201).type('application/json').send(result.answer);
        return;
      case 'ok':
        res.status(201).json(publishedAnswer(result));
        return;
      default:
        throw refusal(result);
    }
  });

  if (deps.settings.access) mountAccess(router, signed, deps.settings.access, (res) => readBody(res, accessBody));

  return router;
}

function draftOf(body: z.output<typeof validateBody>): DraftRequest {
  return { text: body.text, changeNotes: body.changeNotes ?? null, effectiveFrom: body.effectiveFrom ?? null };
}

function readBody<T>(res: Response, schema: z.ZodType<T>): T {
  const { body } = signedRequest(res);
  const problems = (() => {
    if (body.length === 0) return [{ code: 'required' as const, path: [], message: 'a JSON body is required' }];
    const parsed = parseJsonBody(body);
    if (!parsed.ok) return [{ code: 'syntax' as const, path: [], message: parsed.message }];
    const checked = schema.safeParse(parsed.value, { reportInput: true });
    if (checked.success) return checked.data;
    return problemsFromZod(checked.error);
  })();
  if (!Array.isArray(problems)) return problems as T;
  context(res).fields['error'] = 'invalid_request';
  throw new HttpError(400, 'invalid_request', `the request body is not as the settings page's API says (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems });
}

function publishedAnswer(r: Extract<PublishResult, { kind: 'ok' }>) {
  const v = r.version;
  return {
    version: { id: v.id, version: v.version, effectiveFrom: isoUtc(v.effectiveFrom), changeNotes: v.changeNotes, publishedBy: v.publishedBy, publishedAt: isoUtc(v.publishedAt), text: v.text, answers: (v.answers ?? []).map((a) => a.outcomeId) },
    uncovered: r.uncovered,
    advice: r.uncovered.length > 0 ? SUBSCRIPTION_ADVICE : null,
  };
}

function refusal(result: Exclude<Awaited<ReturnType<typeof publishOnce>>, { kind: 'answered' | 'ok' }>): HttpError {
  switch (result.kind) {
    case 'forbidden':
      return new HttpError(403, 'forbidden', result.message, { problems: [{ code: 'invalid_value', path: ['userId'], message: result.message }] });
    case 'invalid':
      return new HttpError(400, 'invalid_request', `the draft has ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}: nothing was published`, { problems: result.problems });
    case 'conflict':
      return new HttpError(409, 'conflict', result.message, { problems: [{ code: 'conflict', path: ['version'], message: `${result.message} (sources: ${result.sources.join('; ')})` }] });
    case 'reused_id':
      return new HttpError(409, 'conflict', 'this request id was already used to publish a different draft', { problems: [{ code: 'duplicate', path: ['requestId'], message: 'was already used for a different draft: make a new one' }] });
    case 'pending':
      return new HttpError(503, 'store_unavailable', 'this publish is still being stored: try again', { headers: { 'Retry-After': '2' } });
  }
}
