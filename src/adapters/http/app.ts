// The HTTP edge: HubSpot's webhook receiver, the card's writes, the read API, health and metrics, every answer JSON and logged once.
import express from 'express';
import type { Logger } from 'pino';
import type { IngestBatchResult, SignalBatch } from '../../app/ingest-batch.ts';
import type { CardView } from '../../app/card-view.ts';
import type { HomeView } from '../../app/home-view.ts';
import type { QuarantineStore } from '../../app/quarantine-ports.ts';
import type { OutcomeReader } from '../../app/read-outcomes.ts';
import type { ActionRequest, SubmitResult } from '../../app/submit-action.ts';
import type { Config } from '../../config/env.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { errorHandler, notFound } from './errors.ts';
import { operations } from './operations.ts';
import { quarantineApi } from './quarantine-api.ts';
import type { HealthProbe } from './operations.ts';
import { readApi } from './read-api.ts';
import { requestLog } from './request-log.ts';
import { uiActions } from './ui-actions.ts';
import type { UiActionsDeps } from './ui-actions.ts';
import { uiBacktest } from './ui-backtest.ts';
import type { UiBacktestDeps } from './ui-backtest.ts';
import { uiCriteria } from './ui-criteria.ts';
import type { UiCriteriaDeps } from './ui-criteria.ts';
import { uiHome } from './ui-home.ts';
import { uiRead } from './ui-read.ts';
import { webhookReceiver } from './webhook-receiver.ts';

export type { HealthProbe, ReadinessCheck } from './operations.ts';

export interface HttpAppDeps {
  readonly config: Pick<Config, 'publicBaseUrl' | 'hubspotClientSecret' | 'adminToken' | 'maxBodyBytes'> & Partial<Pick<Config, 'maxBatchEvents'>>;
  /** Stores a delivery the receiver has checked and mapped (the ingest use case). */
  readonly ingest: (batch: SignalBatch) => Promise<IngestBatchResult>;
  readonly reader: OutcomeReader;
  /** The webhook quarantine, read by `/api/quarantine`; left out by tests of the other routes. */
  readonly quarantine?: QuarantineStore;
  /** The card's reads (`/ui/...` GET routes); left out by tests of the other routes. */
  readonly cards?: CardView;
  /** The app home page's read (`/ui/home`); left out by tests of the other routes. */
  readonly home?: HomeView;
  /** The settings page's backtest (`/ui/criteria/backtest`); left out by tests of the other routes. */
  readonly backtest?: UiBacktestDeps['backtest'];
  readonly health: HealthProbe;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Epoch ms: signature windows and event storage use it, so tests can fix it. */
  readonly clock: () => number;
  /** The card's writes (the submit-action use case); without it the `/ui/` write routes are not there. */
  readonly submitAction?: (request: ActionRequest) => Promise<SubmitResult>;
  /** The settings page's criteria calls (`/ui/criteria...`); left out by tests of the other routes. */
  readonly criteriaSettings?: UiCriteriaDeps['settings'];
  /** The outcome in a write's answer, as the card's list shows it. */
  readonly outcomeView?: UiActionsDeps['outcomeView'];
}

export function createHttpApp(deps: HttpAppDeps): express.Express {
  const { config, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(requestLog(deps.logger, metrics));
  app.use(webhookReceiver({ config, ingest: deps.ingest, metrics, clock: deps.clock }));
  if (deps.submitAction) app.use(uiActions({ config, submit: deps.submitAction, clock: deps.clock, ...(deps.outcomeView ? { outcomeView: deps.outcomeView } : {}) }));
  if (deps.quarantine) app.use('/api', quarantineApi({ store: deps.quarantine, adminToken: config.adminToken, clock: deps.clock }));
  app.use('/api', readApi(deps.reader, config.adminToken));
  if (deps.cards) app.use(uiRead({ config, cards: deps.cards, clock: deps.clock }));
  if (deps.home) app.use(uiHome({ config, home: deps.home, clock: deps.clock }));
  if (deps.backtest) app.use(uiBacktest({ config, backtest: deps.backtest, clock: deps.clock }));
  if (deps.criteriaSettings) app.use(uiCriteria({ config, settings: deps.criteriaSettings, clock: deps.clock }));
  app.use(operations(deps.health, metrics));
  app.use(notFound);
  app.use(errorHandler(config.maxBodyBytes));
  return app;
}
