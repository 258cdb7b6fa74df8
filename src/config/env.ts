// The service's configuration: every environment variable it reads, validated once at start with every problem listed.
import { z } from 'zod';
import type { DisputeResolvers } from '../core/engine/users.ts';
import { criteriaEditors, disputeResolvers } from './user-lists.ts';
import { formatProblem } from '../core/problems.ts';
import type { Problem } from '../core/problems.ts';
import { problemsFromZod } from '../core/zod-problems.ts';
import { redisClusterNodes, redisPrefix, redisSettings, redisUrl } from './redis-env.ts';
import { unsetIfEmpty } from './env-text.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly port: number;
  /** One Redis's URL; with a cluster, its first seed node (what messages name). */
  readonly redisUrl: string;
  /** A Redis Cluster's seed nodes as redis:// URLs; empty: one Redis at `redisUrl`. */
  readonly redisClusterNodes: readonly string[];
  /** Signs HubSpot's webhooks and card requests (v3). Secret. */
  readonly hubspotClientSecret: string;
  /** The public origin (and path prefix) HubSpot calls, without a trailing slash: signatures cover it. */
  readonly publicBaseUrl: string;
  readonly criteriaPath: string;
  /** Bearer token of the read API. Secret. */
  readonly adminToken: string;
  /** Starts every key; holds no hash tag: the adapters tag each key by its portal or as the deployment's (src/adapters/redis/keys.ts). */
  readonly redisPrefix: string;
  /** How long a signal waits before it is applied, so out-of-order deliveries are put back in event-time order. */
  readonly signalHoldMs: number;
  /** How long after its event time an input can still change history (undefined: 24 h plus the longest attempt in force), after settling a billable outcome can be disputed. */
  readonly lateHorizonMs: number | undefined;
  readonly disputeHorizonMs: number;
  readonly sweepIntervalMs: number;
  readonly workerConcurrency: number;
  readonly workerLockMs: number;
  readonly maxBodyBytes: number;
  /** A delivery of more events is refused whole (413): HubSpot sends at most 100, and one store call takes them all. */
  readonly maxBatchEvents: number;
  /** Quarantined events kept per portal (the newest), and for how long. */
  readonly quarantineMaxEntries: number;
  readonly quarantineRetentionMs: number;
  /** How far back the portal's stored signals reach for the backtest (its window may not start earlier). */
  readonly signalRetentionMs: number;
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
  /** Static-auth app token for the CRM APIs. Secret. */
  readonly hubspotAccessToken: string | undefined;
  readonly hubspotApiBaseUrl: string;
  /** The app's burst limit per 10 s (HubSpot's tiers: 100, 190, or 250 with the API limit increase); the shared limiter keeps under it. */
  readonly hubspotBurstLimit: 100 | 190 | 250;
  /** How often a worker drains the write-back outbox, and answers queued CRM read requests (only with an access token). */
  readonly writebackIntervalMs: number;
  readonly writebackPendingDelayMs: number;
  readonly crmReadIntervalMs: number;
  /** Who may resolve disputes and pause criteria (contract §5, §7); everyone else may only open disputes. */
  readonly disputeResolvers: DisputeResolvers;
  /** Where budget alerts are POSTed (Slack-compatible JSON) and the key that signs them (HMAC-SHA256), or null. Both secret. */
  readonly alertWebhook: { readonly url: string; readonly secret: string } | null;
  /** HubSpot user ids who may publish criteria versions (CRITERIA_EDITORS). */
  readonly criteriaEditors: ReadonlySet<number>;
}

/** A problem's path is the variable's name: `['PORT']`. */
export type LoadConfigResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly problems: readonly Problem[] };

// An empty variable (`FOO=` in an env file) means "not set": it takes the default or is reported missing.

/** Whether a variable counts as set, as the service reads it: an empty or blank one (`FOO=`) is unset. */
export const isSetValue = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

const required = (what: string) => (issue: { input?: unknown }) => (issue.input === undefined ? `is required: ${what}` : `expected ${what}`);

function wholeNumber<F extends number | undefined>(what: string, fallback: F, min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .optional()
      .transform((raw, ctx): number | F => {
        if (raw === undefined) return fallback;
        const text = raw.trim();
        const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
        if (!Number.isSafeInteger(value) || value < min || value > max) {
          const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
          ctx.addIssue({ code: 'custom', message: `must be a whole number ${range} (${what}), got ${JSON.stringify(raw)}` });
          return z.NEVER;
        }
        return value;
      }),
  );
}

/** The port the service listens on when PORT is not set. */
export const DEFAULT_PORT = 3000;

/** HubSpot sends at most 100 events per delivery (hubspot-platform.md). */
export const DEFAULT_MAX_BATCH_EVENTS = 100;

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** An https URL, or http for localhost and 127.0.0.1 (test doubles); the message never echoes the value (a webhook URL is a secret). */
function httpsUrl(keep: (url: URL) => string) {
  return (raw: string, ctx: z.RefinementCtx): string => {
    const url = parseUrl(raw.trim());
    if (url === null || (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)))) {
      ctx.addIssue({ code: 'custom', message: 'must be an https URL (http only for localhost and 127.0.0.1, for test doubles)' });
      return z.NEVER;
    }
    return keep(url);
  };
}

const publicBaseUrl = z.preprocess(
  unsetIfEmpty,
  z.string({ error: required('the public https address HubSpot calls, e.g. https://billing.example.com') }).transform((raw, ctx): string => {
    const url = parseUrl(raw.trim());
    const local = url !== null && url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
    if (url === null || !(url.protocol === 'https:' || local)) {
      ctx.addIssue({ code: 'custom', message: 'must be an https URL (the public address HubSpot calls); http is allowed only for localhost and 127.0.0.1' });
      return z.NEVER;
    }
    if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      ctx.addIssue({ code: 'custom', message: 'must be a bare origin with an optional path prefix: no query, fragment or credentials' });
      return z.NEVER;
    }
    // Signatures cover the exact URL: keep what was configured, minus a trailing slash (the request path brings its own).
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  }),
);

const secret = (what: string, minLength = 1) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string({ error: required(what) })
      .min(minLength, { error: `must be at least ${minLength} characters long (${what})` }),
  );

const envSchema = z.object({
  PORT: wholeNumber('the TCP port to listen on', DEFAULT_PORT, 0, 65535),
  REDIS_URL: redisUrl,
  REDIS_CLUSTER_NODES: redisClusterNodes,
  HUBSPOT_CLIENT_SECRET: secret("the app's client secret, which signs HubSpot's requests"),
  PUBLIC_BASE_URL: publicBaseUrl,
  CRITERIA_PATH: z.preprocess(unsetIfEmpty, z.string({ error: required('a criteria file or folder') })),
  ADMIN_TOKEN: secret('the bearer token of the read API', 16),
  REDIS_PREFIX: redisPrefix,
  SIGNAL_HOLD_MS: wholeNumber('milliseconds a signal waits before it is applied', 10_000, 0),
  // Unset: HubSpot's 24 h of retries plus the longest attempt of the criteria in force (docs/decisions.md, "Late signals").
  LATE_HORIZON_MS: wholeNumber('milliseconds after its event time a late signal or action can still change history', undefined, 60_000),
  DISPUTE_HORIZON_MS: wholeNumber('milliseconds after settling that a billable outcome can still be disputed', 90 * 24 * 3_600_000, 0),
  SWEEP_INTERVAL_MS: wholeNumber('milliseconds between sweeps for due records', 5_000, 100),
  WORKER_CONCURRENCY: wholeNumber('records processed at once per process', 16, 1, 1000),
  WORKER_LOCK_MS: wholeNumber('milliseconds a job stays locked to its worker without a renewal (a dead worker\'s jobs are handed over after it)', 30_000, 1_000),
  MAX_BODY_BYTES: wholeNumber('the largest webhook body accepted, in bytes', 1_048_576, 1024),
  MAX_BATCH_EVENTS: wholeNumber('the most events one webhook delivery may carry', DEFAULT_MAX_BATCH_EVENTS, 1, 10_000),
  QUARANTINE_MAX_ENTRIES: wholeNumber('quarantined webhook events kept per portal', 1_000, 1, 1_000_000),
  QUARANTINE_RETENTION_MS: wholeNumber('milliseconds a quarantined webhook event is kept', 30 * 24 * 3_600_000, 60_000),
  SIGNAL_RETENTION_MS: wholeNumber("milliseconds of a portal's stored signals the backtest may replay", 35 * 24 * 3_600_000, 86_400_000),
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
  CRITERIA_EDITORS: criteriaEditors,
});

/** The variables this service reads, in the order problems are reported. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as readonly (keyof typeof envSchema.shape)[];

/** Reads the configuration from an environment; on any problem, every problem (never a secret's value). */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): LoadConfigResult {
  const input: Record<string, string | undefined> = {};
  for (const name of CONFIG_VARIABLES) input[name] = env[name];
  const parsed = envSchema.safeParse(input, { reportInput: true });
  const problems = [...(parsed.success ? [] : problemsFromZod(parsed.error, { wording: 'schema' })), ...pairProblems(input), ...horizonProblems(input)];
  if (!parsed.success || problems.length > 0) {
    const order = (p: Problem) => CONFIG_VARIABLES.indexOf(p.path[0] as never);
    return { ok: false, problems: problems.sort((a, b) => order(a) - order(b)) };
  }
  const e = parsed.data;
  const redis = redisSettings(e, isSetValue(env['REDIS_URL']));
  if (!redis.ok) return { ok: false, problems: [redis.problem] };
  return {
    ok: true,
    config: {
      port: e.PORT,
      redisUrl: redis.url,
      redisClusterNodes: e.REDIS_CLUSTER_NODES,
      hubspotClientSecret: e.HUBSPOT_CLIENT_SECRET,
      publicBaseUrl: e.PUBLIC_BASE_URL,
      criteriaPath: e.CRITERIA_PATH,
      adminToken: e.ADMIN_TOKEN,
      redisPrefix: redis.prefix,
      signalHoldMs: e.SIGNAL_HOLD_MS,
      lateHorizonMs: e.LATE_HORIZON_MS,
      disputeHorizonMs: e.DISPUTE_HORIZON_MS,
      sweepIntervalMs: e.SWEEP_INTERVAL_MS,
      workerConcurrency: e.WORKER_CONCURRENCY,
      workerLockMs: e.WORKER_LOCK_MS,
      maxBodyBytes: e.MAX_BODY_BYTES,
      maxBatchEvents: e.MAX_BATCH_EVENTS,
      quarantineMaxEntries: e.QUARANTINE_MAX_ENTRIES,
      quarantineRetentionMs: e.QUARANTINE_RETENTION_MS,
      signalRetentionMs: e.SIGNAL_RETENTION_MS,
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
      criteriaEditors: e.CRITERIA_EDITORS,
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

/** Late replay reads the inputs the log keeps (SIGNAL_RETENTION_MS); each variable read alone, so the conflict is reported with every other problem. */
function horizonProblems(input: Readonly<Record<string, string | undefined>>): Problem[] {
  const [horizon, retention] = [envSchema.shape.LATE_HORIZON_MS.safeParse(input['LATE_HORIZON_MS']), envSchema.shape.SIGNAL_RETENTION_MS.safeParse(input['SIGNAL_RETENTION_MS'])];
  if (!horizon.success || !retention.success || horizon.data === undefined || horizon.data <= retention.data) return [];
  return [{ code: 'conflict', path: ['LATE_HORIZON_MS'], message: `must be at most SIGNAL_RETENTION_MS (${retention.data}), got ${horizon.data}: late replay needs the signals the portal log keeps` }];
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
    redisClusterNodes: config.redisClusterNodes.map(redactUrlPassword),
    hubspotClientSecret: REDACTED,
    adminToken: REDACTED,
    hubspotAccessToken: config.hubspotAccessToken === undefined ? undefined : REDACTED,
    // A Slack webhook URL carries its own credential in the path.
    alertWebhook: config.alertWebhook === null ? null : REDACTED,
    // Emails are personal data: the log says how many resolvers there are, not who.
    disputeResolvers: { userIds: config.disputeResolvers.userIds.size, emails: config.disputeResolvers.emails.size },
    criteriaEditors: config.criteriaEditors.size,
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
