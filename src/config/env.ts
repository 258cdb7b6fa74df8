// The service's configuration: every environment variable it reads, validated once at start with every problem listed.
import { z } from 'zod';
import type { DisputeResolvers } from '../core/engine/users.ts';
import { formatProblem } from '../core/problems.ts';
import type { Problem } from '../core/problems.ts';
import { problemsFromZod } from '../core/zod-problems.ts';
import { disputeResolvers, httpsUrl, isSetValue, parseUrl, publicBaseUrl, redisUrl, required, secret, unsetIfEmpty, wholeNumber } from './env-values.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly port: number;
  readonly redisUrl: string;
  /** Signs HubSpot's webhooks and card requests (v3). Secret. */
  readonly hubspotClientSecret: string;
  /** The public origin (and path prefix) HubSpot calls, without a trailing slash: signatures cover it. */
  readonly publicBaseUrl: string;
  readonly criteriaPath: string;
  /** Bearer token of the read API. Secret. */
  readonly adminToken: string;
  readonly redisPrefix: string;
  /** How long a signal waits before it is applied, so out-of-order deliveries are put back in event-time order. */
  readonly signalHoldMs: number;
  /** How long after its event time an input can still change history; undefined: HubSpot's 24 h plus the longest attempt in force. */
  readonly lateHorizonMs: number | undefined;
  readonly sweepIntervalMs: number;
  readonly workerConcurrency: number;
  readonly workerLockMs: number;
  readonly maxBodyBytes: number;
  /** A delivery of more events is refused whole (413): HubSpot sends at most 100, and one store call takes them all. */
  readonly maxBatchEvents: number;
  /** Quarantined events kept per portal (the newest), and for how long. */
  readonly quarantineMaxEntries: number;
  readonly quarantineRetentionMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** Static-auth app token for the CRM APIs. Secret. */
  readonly hubspotAccessToken: string | undefined;
  readonly hubspotApiBaseUrl: string;
  /** The app's burst limit per 10 s (HubSpot's tiers: 100, 190, or 250 with the API limit increase); the shared limiter keeps under it. */
  readonly hubspotBurstLimit: 100 | 190 | 250;
  /** How often a worker drains the write-back outbox (only with an access token). */
  readonly writebackIntervalMs: number;
  readonly writebackPendingDelayMs: number;
  /** How often a worker answers queued CRM read requests (only with an access token). */
  readonly crmReadIntervalMs: number;
  /** Who may resolve disputes and pause criteria (contract §5, §7); everyone else may only open disputes. */
  readonly disputeResolvers: DisputeResolvers;
  /** Where budget alerts are POSTed (Slack-compatible JSON) and the key that signs them (HMAC-SHA256), or null. Both secret. */
  readonly alertWebhook: { readonly url: string; readonly secret: string } | null;
}

/** A problem's path is the variable's name: `['PORT']`. */
export type LoadConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly problems: readonly Problem[] };

/** The port the service listens on when PORT is not set. */
export const DEFAULT_PORT = 3000;

/** HubSpot sends at most 100 events per delivery (hubspot-platform.md). */
export const DEFAULT_MAX_BATCH_EVENTS = 100;

// Read by the dev session and its fallback, which import it from here.
export { isSetValue } from './env-values.ts';

const envSchema = z.object({
  PORT: wholeNumber('the TCP port to listen on', DEFAULT_PORT, 0, 65535),
  REDIS_URL: redisUrl,
  HUBSPOT_CLIENT_SECRET: secret("the app's client secret, which signs HubSpot's requests"),
  PUBLIC_BASE_URL: publicBaseUrl,
  CRITERIA_PATH: z.preprocess(unsetIfEmpty, z.string({ error: required('a criteria file or folder') })),
  ADMIN_TOKEN: secret('the bearer token of the read API', 16),
  REDIS_PREFIX: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^[A-Za-z0-9_.:-]+$/, { error: 'must be letters, digits, and _ . : - only (it starts every Redis key)' })
      .default('ob'),
  ),
  SIGNAL_HOLD_MS: wholeNumber('milliseconds a signal waits before it is applied', 10_000, 0),
  // Unset: HubSpot's 24 h of retries plus the longest attempt of the criteria in force (docs/decisions.md, "Late signals").
  LATE_HORIZON_MS: wholeNumber('milliseconds after its event time a late signal or action can still change history', undefined, 60_000),
  SWEEP_INTERVAL_MS: wholeNumber('milliseconds between sweeps for due records', 5_000, 100),
  WORKER_CONCURRENCY: wholeNumber('records processed at once per process', 16, 1, 1000),
  WORKER_LOCK_MS: wholeNumber('milliseconds a job stays locked to its worker without a renewal (a dead worker\'s jobs are handed over after it)', 30_000, 1_000),
  MAX_BODY_BYTES: wholeNumber('the largest webhook body accepted, in bytes', 1_048_576, 1024),
  MAX_BATCH_EVENTS: wholeNumber('the most events one webhook delivery may carry', DEFAULT_MAX_BATCH_EVENTS, 1, 10_000),
  QUARANTINE_MAX_ENTRIES: wholeNumber('quarantined webhook events kept per portal', 1_000, 1, 1_000_000),
  QUARANTINE_RETENTION_MS: wholeNumber('milliseconds a quarantined webhook event is kept', 30 * 24 * 3_600_000, 60_000),
  SHUTDOWN_TIMEOUT_MS: wholeNumber('milliseconds a graceful shutdown may take', 10_000, 1),
  LOG_LEVEL: z.preprocess(
    (v) => {
      const value = unsetIfEmpty(v);
      return typeof value === 'string' ? value.trim().toLowerCase() : value;
    },
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ),
  HUBSPOT_ACCESS_TOKEN: z.preprocess(unsetIfEmpty, z.string().optional()),
  HUBSPOT_API_BASE_URL: z.preprocess(unsetIfEmpty, z.string().default('https://api.hubapi.com').transform(httpsUrl((url) => `${url.origin}${url.pathname}`.replace(/\/+$/, '')))),
  HUBSPOT_BURST_LIMIT: z.preprocess(
    (v) => {
      const value = unsetIfEmpty(v);
      return typeof value === 'string' ? value.trim() : value;
    },
    z
      .enum(['100', '190', '250'], {
        error: "must be 100, 190 or 250: the app's HubSpot burst limit per 10 seconds (Free/Starter 100, Professional/Enterprise 190, with the API limit increase 250)",
      })
      .default('100')
      .transform((v) => Number(v) as 100 | 190 | 250),
  ),
  WRITEBACK_INTERVAL_MS: wholeNumber('milliseconds between write-back drains', 1_000, 100),
  WRITEBACK_PENDING_DELAY_MS: wholeNumber('milliseconds a change that settles nothing waits before it is written to HubSpot', 30_000, 0),
  CRM_READ_INTERVAL_MS: wholeNumber('milliseconds between CRM read drains', 250, 50),
  DISPUTE_RESOLVERS: disputeResolvers,
  ALERT_WEBHOOK_URL: z.preprocess(unsetIfEmpty, z.string().transform(httpsUrl((url) => url.toString())).optional()),
  ALERT_WEBHOOK_SECRET: z.preprocess(unsetIfEmpty, z.string().min(16, { error: 'must be at least 16 characters long (the key that signs alert POSTs)' }).optional()),
});

/** The variables this service reads, in the order problems are reported. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as readonly (keyof typeof envSchema.shape)[];

/** Reads the configuration from an environment; on any problem, every problem (never a secret's value). */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): LoadConfigResult {
  const input: Record<string, string | undefined> = {};
  for (const name of CONFIG_VARIABLES) input[name] = env[name];
  const parsed = envSchema.safeParse(input, { reportInput: true });
  const problems = [...(parsed.success ? [] : problemsFromZod(parsed.error, { wording: 'schema' })), ...pairProblems(input)];
  if (!parsed.success || problems.length > 0) {
    const order = (p: Problem) => CONFIG_VARIABLES.indexOf(p.path[0] as never);
    return { ok: false, problems: problems.sort((a, b) => order(a) - order(b)) };
  }
  const e = parsed.data;
  return {
    ok: true,
    config: {
      port: e.PORT,
      redisUrl: e.REDIS_URL,
      hubspotClientSecret: e.HUBSPOT_CLIENT_SECRET,
      publicBaseUrl: e.PUBLIC_BASE_URL,
      criteriaPath: e.CRITERIA_PATH,
      adminToken: e.ADMIN_TOKEN,
      redisPrefix: e.REDIS_PREFIX,
      signalHoldMs: e.SIGNAL_HOLD_MS,
      lateHorizonMs: e.LATE_HORIZON_MS,
      sweepIntervalMs: e.SWEEP_INTERVAL_MS,
      workerConcurrency: e.WORKER_CONCURRENCY,
      workerLockMs: e.WORKER_LOCK_MS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxBatchEvents: e.MAX_BATCH_EVENTS,
      quarantineMaxEntries: e.QUARANTINE_MAX_ENTRIES,
      quarantineRetentionMs: e.QUARANTINE_RETENTION_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      logLevel: e.LOG_LEVEL,
      hubspotAccessToken: e.HUBSPOT_ACCESS_TOKEN,
      hubspotApiBaseUrl: e.HUBSPOT_API_BASE_URL,
      hubspotBurstLimit: e.HUBSPOT_BURST_LIMIT,
      writebackIntervalMs: e.WRITEBACK_INTERVAL_MS,
      writebackPendingDelayMs: e.WRITEBACK_PENDING_DELAY_MS,
      crmReadIntervalMs: e.CRM_READ_INTERVAL_MS,
      disputeResolvers: e.DISPUTE_RESOLVERS,
      alertWebhook: e.ALERT_WEBHOOK_URL && e.ALERT_WEBHOOK_SECRET ? { url: e.ALERT_WEBHOOK_URL, secret: e.ALERT_WEBHOOK_SECRET } : null,
    },
  };
}

/** Variables that go in pairs: one set without the other is a problem, reported with all the others (never silently ignored). */
function pairProblems(input: Readonly<Record<string, string | undefined>>): Problem[] {
  const url = isSetValue(input['ALERT_WEBHOOK_URL']);
  const key = isSetValue(input['ALERT_WEBHOOK_SECRET']);
  if (url && !key) return [{ code: 'required', path: ['ALERT_WEBHOOK_SECRET'], message: 'is required with ALERT_WEBHOOK_URL: the key that signs each alert POST, at least 16 characters' }];
  if (key && !url) return [{ code: 'required', path: ['ALERT_WEBHOOK_URL'], message: 'is required with ALERT_WEBHOOK_SECRET: where budget alerts are POSTed (without it the key signs nothing)' }];
  return [];
}

/** One line per problem, for stderr before exiting. */
export function formatConfigProblems(problems: readonly Problem[]): string {
  return problems.map((p) => formatProblem(p, '(environment)')).join('\n');
}

const REDACTED = '[redacted]';

/** The configuration as it may be logged: secrets replaced, a Redis password masked. */
export function redactedConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    redisUrl: redactUrlPassword(config.redisUrl),
    hubspotClientSecret: REDACTED,
    adminToken: REDACTED,
    hubspotAccessToken: config.hubspotAccessToken === undefined ? undefined : REDACTED,
    // A Slack webhook URL carries its own credential in the path.
    alertWebhook: config.alertWebhook === null ? null : REDACTED,
    // Emails are personal data: the log says how many resolvers there are, not who.
    disputeResolvers: { userIds: config.disputeResolvers.userIds.size, emails: config.disputeResolvers.emails.size },
  };
}

function redactUrlPassword(raw: string): string {
  const url = parseUrl(raw);
  if (url === null) return REDACTED;
  if (url.password === '' && url.username === '') return raw;
  if (url.password !== '') url.password = 'redacted';
  else url.username = 'redacted';
  return url.toString();
}
