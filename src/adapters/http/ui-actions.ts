// The card's writes (docs/card-api.md): open and resolve disputes, pause and resume criteria, signed by HubSpot, stored before the answer.
import express from 'express';
import type { Response } from 'express';
import { z } from 'zod';
import { StoreUnavailableError } from '../../app/ports.ts';
import type { ActionAnswer } from '../../app/ports.ts';
import { ActionContendedError } from '../../app/submit-action.ts';
import type { ActionBody, ActionRequest, SubmitResult } from '../../app/submit-action.ts';
import type { Config } from '../../config/env.ts';
import type { Outcome } from '../../core/engine/outcome.ts';
import { outcomeView } from '../../core/ledger-view.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { actionJson } from '../files/actions-file.ts';
import { HttpError } from './errors.ts';
import { hubspotSigned, signedRequest } from './hubspot-signed.ts';
import { parseJsonBody } from './json-body.ts';
import { context } from './request-log.ts';

/** Seconds the card is asked to wait after a 503. */
const RETRY_AFTER_SECONDS = 2;

export interface UiActionsDeps {
  readonly config: Pick<Config, 'publicBaseUrl' | 'hubspotClientSecret' | 'maxBodyBytes'>;
  /** The submit-action use case. */
  readonly submit: (request: ActionRequest) => Promise<SubmitResult>;
  readonly clock: () => number;
  /** The outcome in the answer, as the card's list shows it; cli.md's outcome view by default. */
  readonly outcomeView?: (outcome: Outcome, portalId: number) => unknown;
}

/** The dispute categories the card offers, and the words they are stored with in the dispute's reason: the card's words/disputes.ts confirms these exact words. */
export const DISPUTE_CATEGORIES = {
  wrong_record: 'Wrong record',
  not_achieved: 'Outcome not achieved',
  duplicate: 'Duplicate',
  reversed_later: 'Reversed later',
  other: 'Other',
} as const;

const requestId = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: 'must be the card’s id for this request (a UUID)' });
const note = z.string().trim().min(1, { error: 'must say why: it is kept with the action' }).max(2_000, { error: 'must be at most 2,000 characters' });
const outcomeId = z.string().regex(/^[a-z0-9-]+:[a-z]+:[^:#]+:[^:#]+#[1-9][0-9]*$/, { error: 'must be an outcome id (criteria:objectType:recordId:bucket#n)' });

const BODIES = {
  dispute: z.strictObject({ requestId, outcomeId, category: z.enum(Object.keys(DISPUTE_CATEGORIES) as [keyof typeof DISPUTE_CATEGORIES]), note }),
  resolve: z.strictObject({ requestId, outcomeId, resolution: z.enum(['upheld', 'rejected']), note }),
  pause: z.strictObject({ requestId, criteriaId: z.string().regex(/^[a-z0-9-]+$/, { error: 'must be a criteria id' }), action: z.enum(['pause', 'resume']), note }),
};

type Route = keyof typeof BODIES;

/** What each route asks for, from its checked body. */
const ACTIONS: { readonly [R in Route]: (body: z.output<(typeof BODIES)[R]>) => ActionBody } = {
  dispute: (b) => ({ type: 'open_dispute', outcomeId: b.outcomeId, reason: `${DISPUTE_CATEGORIES[b.category]}: ${b.note}` }),
  resolve: (b) => ({ type: 'resolve_dispute', outcomeId: b.outcomeId, resolution: b.resolution, note: b.note }),
  pause: (b) => ({ type: b.action, criteriaId: b.criteriaId, note: b.note }),
};

export function uiActions(deps: UiActionsDeps): express.Router {
  const router = express.Router();
  const signed = hubspotSigned({
    publicBaseUrl: deps.config.publicBaseUrl,
    secret: deps.config.hubspotClientSecret,
    clock: deps.clock,
    maxBodyBytes: deps.config.maxBodyBytes,
    caller: 'ui',
  });
  router.post('/ui/disputes', signed, (_req, res) => write(deps, res, 'dispute'));
  router.post('/ui/disputes/resolve', signed, (_req, res) => write(deps, res, 'resolve'));
  router.post('/ui/pauses', signed, (_req, res) => write(deps, res, 'pause'));
  return router;
}

async function write(deps: UiActionsDeps, res: Response, route: Route): Promise<void> {
  const { body, caller } = signedRequest(res);
  if (caller.kind !== 'ui') throw new Error('ui actions: the route is not behind hubspotSigned({ caller: ui })');
  const ctx = context(res).fields;
  Object.assign(ctx, { portalId: caller.portalId, userId: caller.userId, route });
  const checked = readBody(body, route);
  const request: ActionRequest = {
    portalId: caller.portalId,
    requestId: checked.requestId,
    // A user HubSpot names without an email is refused by the core (every action names who took it).
    user: { userId: caller.userId, email: caller.userEmail ?? '' },
    body: ACTIONS[route](checked as never),
  };
  let result: SubmitResult;
  try {
    result = await deps.submit(request);
  } catch (error) {
    if (!(error instanceof StoreUnavailableError || error instanceof ActionContendedError)) throw error;
    ctx['cause'] = error.message.slice(0, 300);
    throw new HttpError(503, 'store_unavailable', 'the ledger cannot take the action now: try again', { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) }, cause: error });
  }
  ctx['result'] = result.kind;
  res.status(202).json(answer(deps, caller.portalId, result));
}

/** The body checked against its route's schema; a 400 lists every problem. */
function readBody(body: Buffer, route: Route): z.output<(typeof BODIES)[Route]> {
  if (body.length === 0) throw invalid([{ code: 'required', path: [], message: 'a JSON body is required' }]);
  const parsed = parseJsonBody(body);
  if (!parsed.ok) throw invalid([{ code: 'syntax', path: [], message: parsed.message }]);
  const checked = BODIES[route].safeParse(parsed.value, { reportInput: true });
  if (!checked.success) throw invalid(problemsFromZod(checked.error));
  return checked.data;
}

const invalid = (problems: ReturnType<typeof problemsFromZod>): HttpError =>
  new HttpError(400, 'invalid_request', `the request body is not as the card's API says (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { problems });

/** 202 with the stored action and the outcome after it; every other result as its error answer. */
function answer(deps: UiActionsDeps, portalId: number, result: SubmitResult): { action: unknown; outcome: unknown } {
  switch (result.kind) {
    case 'accepted':
      return body(deps, portalId, result.answer);
    case 'refused':
      throw new HttpError(409, 'action_refused', `the action does not apply: ${result.error.message}`, { problems: [result.error] });
    case 'forbidden':
      throw new HttpError(403, 'forbidden', result.message, { problems: result.problems });
    case 'conflict':
      throw new HttpError(409, 'conflict', 'this request id was already used for a different request', { problems: [result.problem] });
  }
}

function body(deps: UiActionsDeps, portalId: number, a: ActionAnswer): { action: unknown; outcome: unknown } {
  const view = deps.outcomeView ?? ((o: Outcome) => outcomeView(o));
  return { action: actionJson(a.action), outcome: a.outcome === null ? null : view(a.outcome, portalId) };
}
