// The settings page's backtest (docs/card-api.md, "The backtest"): a draft against the portal's stored signals, for the portal of a request HubSpot signed.
import express from 'express';
import { z } from 'zod';
import type { BacktestAnswer, BacktestRequest } from '../../app/backtest.ts';
import type { Config } from '../../config/env.ts';
import type { Problem } from '../../core/problems.ts';
import { parseInstant } from '../../core/time.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { HttpError } from './errors.ts';
import { hubspotSigned, signedRequest } from './hubspot-signed.ts';
import { parseJsonBody } from './json-body.ts';
import { context } from './request-log.ts';
import { MAX_DRAFT_CHARS } from './ui-criteria.ts';
import { cardCaller, reading } from './ui-read.ts';

const UI_BACKTEST_PATH = '/ui/criteria/backtest';

export interface UiBacktestDeps {
  readonly config: Pick<Config, 'publicBaseUrl' | 'hubspotClientSecret' | 'maxBodyBytes'>;
  readonly backtest: { run(request: BacktestRequest): Promise<BacktestAnswer> };
  /** Epoch ms, for the signature's replay window. */
  readonly clock: () => number;
}

/** An ISO 8601 time with its offset (or Z), to epoch ms. */
const instant = z.string().transform((text, ctx) => {
  const parsed = parseInstant(text, 'UTC');
  if (parsed.ok) return parsed.ms;
  ctx.addIssue({ code: 'custom', message: parsed.message });
  return z.NEVER;
});

const bodySchema = z.strictObject({
  text: z.string({ error: 'is required: the draft version as YAML (or JSON) text' }).min(1, { error: 'is empty: the draft version as YAML text' }).max(MAX_DRAFT_CHARS, { error: `must be at most ${MAX_DRAFT_CHARS} characters` }),
  from: instant.optional(),
  to: instant.optional(),
});

export function uiBacktest(deps: UiBacktestDeps): express.Router {
  const { config } = deps;
  const router = express.Router();
  const signed = hubspotSigned({ publicBaseUrl: config.publicBaseUrl, secret: config.hubspotClientSecret, clock: deps.clock, maxBodyBytes: config.maxBodyBytes, caller: 'ui' });

  // A replay holds this process's CPU for seconds: one at a time per portal, so repeated clicks cannot
  // stack up replays of the same log while webhooks wait.
  const running = new Set<number>();

  // A POST only for the draft's size: it changes nothing, so a retry is harmless.
  router.post(UI_BACKTEST_PATH, signed, async (_req, res) => {
    const caller = cardCaller(res);
    const body = readBody(signedRequest(res).body);
    const request: BacktestRequest = { portalId: caller.portalId, draftYaml: body.text, ...(body.from === undefined ? {} : { from: body.from }), ...(body.to === undefined ? {} : { to: body.to }) };
    if (running.has(caller.portalId)) throw new HttpError(429, 'too_many_requests', 'a backtest is already running for this HubSpot account: try again when it has finished');
    running.add(caller.portalId);
    let answer: BacktestAnswer;
    try {
      answer = await reading(res, () => deps.backtest.run(request));
    } finally {
      running.delete(caller.portalId);
    }
    const ctx = context(res).fields;
    ctx['result'] = answer.kind;
    if (answer.kind === 'invalid_draft') {
      // Paths from the body's root (docs/http-api.md): the page strips `text` to show each at its field.
      throw invalid(`the draft has ${count(answer.problems)}`, answer.problems.map((p) => ({ ...p, path: ['text', ...p.path] })));
    }
    if (answer.kind === 'invalid_window') throw invalid(answer.problems.map((p) => p.message).join('; '), answer.problems);
    ctx['changed'] = answer.view.changedCount;
    res.set('Cache-Control', 'no-store').json(answer.view);
  });

  return router;
}

function readBody(body: Buffer): z.output<typeof bodySchema> {
  if (body.length === 0) throw invalid('a JSON body is required', [{ code: 'required', path: [], message: 'a JSON body is required' }]);
  const parsed = parseJsonBody(body);
  if (!parsed.ok) throw invalid(parsed.message, [{ code: 'syntax', path: [], message: parsed.message }]);
  const checked = bodySchema.safeParse(parsed.value, { reportInput: true });
  if (!checked.success) {
    const problems = problemsFromZod(checked.error);
    throw invalid(`the request body is not as the settings page's API says (${count(problems)})`, problems);
  }
  return checked.data;
}

const count = (problems: readonly Problem[]) => `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
const invalid = (message: string, problems: readonly Problem[]) => new HttpError(400, 'invalid_request', message, { problems });
