// The app home page's read (docs/card-api.md, "The home page"): a period's figures for the portal of a request HubSpot signed.
import express from 'express';
import { z } from 'zod';
import type { HomeView } from '../../app/home-view.ts';
import type { Config } from '../../config/env.ts';
import { HttpError } from './errors.ts';
import { hubspotSigned } from './hubspot-signed.ts';
import { context } from './request-log.ts';
import { cardCaller, once, parsed, queryOf, reading } from './ui-read.ts';

export const UI_HOME_PATH = '/ui/home';

export interface UiHomeDeps {
  readonly config: Pick<Config, 'publicBaseUrl' | 'hubspotClientSecret' | 'maxBodyBytes'>;
  readonly home: HomeView;
  /** Epoch ms, for the signature's replay window. */
  readonly clock: () => number;
}

const homeQuery = z.object({
  period: once.regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a billing period YYYY-MM, such as 2026-11' }).optional(),
});

export function uiHome(deps: UiHomeDeps): express.Router {
  const { config } = deps;
  const router = express.Router();
  const signed = hubspotSigned({ publicBaseUrl: config.publicBaseUrl, secret: config.hubspotClientSecret, clock: deps.clock, maxBodyBytes: config.maxBodyBytes, caller: 'ui' });

  router.get(UI_HOME_PATH, signed, async (req, res) => {
    const caller = cardCaller(res);
    const { period } = parsed(res, { success: true, data: {} }, queryOf(req, homeQuery));
    const found = await reading(res, () => deps.home.home(caller.portalId, period));
    if (!found.ok) {
      context(res).fields['error'] = 'conflict';
      throw new HttpError(409, 'conflict', 'a closed period no longer matches its snapshot: the figures would not be its invoice', { problems: [...found.problems] });
    }
    context(res).fields['criteria'] = found.value.criteria.length;
    res.set('Cache-Control', 'no-store').json(found.value);
  });

  return router;
}
