// The card's reads (docs/card-api.md): a record's outcomes and an outcome's trail, for the portal and user of a request HubSpot signed.
import express from 'express';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { CardCaller, CardView } from '../../app/card-view.ts';
import { StoreUnavailableError } from '../../app/ports.ts';
import type { ReadError } from '../../app/read-outcomes.ts';
import type { Config } from '../../config/env.ts';
import { formatProblem } from '../../core/problems.ts';
import type { Problem } from '../../core/problems.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { OBJECT_TYPE_IDS } from '../hubspot/webhook-events.ts';
import { HttpError } from './errors.ts';
import { hubspotSigned, signedRequest } from './hubspot-signed.ts';
import { context } from './request-log.ts';

export const UI_OUTCOMES_PATH = '/ui/records/:objectTypeId/:recordId/outcomes';
export const UI_TRAIL_PATH = '/ui/outcomes/:outcomeId/trail';

export interface UiReadDeps {
  readonly config: Pick<Config, 'publicBaseUrl' | 'hubspotClientSecret' | 'maxBodyBytes'>;
  readonly cards: CardView;
  /** Epoch ms, for the signature's replay window. */
  readonly clock: () => number;
}

export const once = z.string({ error: 'must be given once' });

/** `limit`: digits within [1, max], `fallback` when absent. */
const limitParam = (max: number, fallback: number) =>
  once
    .regex(/^\d{1,6}$/, { error: `must be a whole number from 1 to ${max}` })
    .transform(Number)
    .pipe(z.number().min(1, { error: `must be at least 1` }).max(max, { error: `must be at most ${max}` }))
    .optional()
    .transform((n) => n ?? fallback);

const pageQuery = (max: number, fallback: number) => z.object({ cursor: once.optional(), limit: limitParam(max, fallback) });

const outcomesParams = z.object({
  objectTypeId: z.enum(Object.keys(OBJECT_TYPE_IDS) as ['0-1', '0-3', '0-5'], { error: 'must be 0-1 (contact), 0-3 (deal) or 0-5 (ticket)' }),
  recordId: z.string().regex(/^\d{1,20}$/, { error: 'must be a HubSpot record id (digits)' }),
});
const outcomesQuery = pageQuery(50, 20);
const trailParams = z.object({ outcomeId: z.string().min(1) });
const trailQuery = pageQuery(200, 50);
/** As for actions (docs/http-api.md): the card offers to try again after this. */
const RETRY_AFTER_SECONDS = 2;

export function uiRead(deps: UiReadDeps): express.Router {
  const { config } = deps;
  const router = express.Router();
  const signed = hubspotSigned({ publicBaseUrl: config.publicBaseUrl, secret: config.hubspotClientSecret, clock: deps.clock, maxBodyBytes: config.maxBodyBytes, caller: 'ui' });

  router.get(UI_OUTCOMES_PATH, signed, async (req, res) => {
    const caller = cardCaller(res);
    const params = parsed(res, outcomesParams.safeParse(req.params, { reportInput: true }), queryOf(req, outcomesQuery));
    const objectType = OBJECT_TYPE_IDS[params.objectTypeId]!;
    const found = await reading(res, () => deps.cards.outcomes(caller, { objectType, recordId: params.recordId, cursor: params.cursor, limit: params.limit }));
    if (!found.ok) throw refused(res, found.error);
    context(res).fields['outcomes'] = found.value.outcomes.length;
    res.set('Cache-Control', 'no-store').json(found.value);
  });

  router.get(UI_TRAIL_PATH, signed, async (req, res) => {
    const caller = cardCaller(res);
    const params = parsed(res, trailParams.safeParse(req.params, { reportInput: true }), queryOf(req, trailQuery));
    const found = await reading(res, () => deps.cards.trail(caller, { outcomeId: params.outcomeId, cursor: params.cursor, limit: params.limit }));
    if (!found.ok) throw refused(res, found.error);
    context(res).fields['entries'] = found.value.entries.length;
    res.set('Cache-Control', 'no-store').json(found.value);
  });

  return router;
}

/** A read while Redis is out of reach is 503 `store_unavailable` with Retry-After, as an action is: the card tries again. */
export async function reading<T>(res: Response, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    context(res).fields['error'] = 'store_unavailable';
    context(res).fields['cause'] = error.message.slice(0, 300);
    throw new HttpError(503, 'store_unavailable', 'the ledger cannot be read now: try again', { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) }, cause: error });
  }
}

/** The portal and user the signed URL names; logged by portal only. */
export function cardCaller(res: Response): CardCaller {
  const { caller } = signedRequest(res);
  if (caller.kind !== 'ui') throw new Error('ui-read: the route must be behind hubspotSigned({ caller: "ui" })');
  context(res).fields['portalId'] = caller.portalId;
  return { portalId: caller.portalId, userId: caller.userId, userEmail: caller.userEmail };
}

type Parsed<T> = { success: true; data: T } | { success: false; error: z.ZodError };

export function queryOf<T>(req: Request, schema: z.ZodType<T>): Parsed<T> {
  // HubSpot's own parameters (portalId, userId, ...) are read from the signed URL, not here.
  return schema.safeParse(req.query, { reportInput: true }) as Parsed<T>;
}

/** Path and query parameters together, or a 400 naming every parameter at fault. */
export function parsed<P, Q>(res: Response, params: Parsed<P>, query: Parsed<Q>): P & Q {
  if (params.success && query.success) return { ...params.data, ...query.data };
  const problems = [params, query].flatMap((p) => (p.success ? [] : problemsFromZod(p.error, { wording: 'schema' })));
  context(res).fields['error'] = 'bad_request';
  throw new HttpError(400, 'bad_request', problemsMessage(problems), { problems });
}

function problemsMessage(problems: readonly Problem[]): string {
  if (problems.length === 1) return formatProblem(problems[0]!);
  return `${problems.length} parameters are not as the card's API expects: ${problems.map((p) => formatProblem(p)).join('; ')}`;
}

/** 404 for an outcome the portal does not have, 400 for a bad parameter; the problem names it. */
function refused(res: Response, error: ReadError): HttpError {
  context(res).fields['error'] = error.code;
  return new HttpError(error.code === 'not_found' ? 404 : 400, error.code, formatProblem(error.problem), { problems: [error.problem] });
}
