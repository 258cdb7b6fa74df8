// Configuration from the environment: defaults, every problem listed at once, secrets never echoed or logged.
import { describe, expect, it } from 'vitest';
import { formatConfigProblems, loadConfig, redactedConfig } from '../../src/config/env.ts';
import type { Config } from '../../src/config/env.ts';
import { formatPath } from '../../src/core/problems.ts';

const SECRET = 'client-secret-abc-123';
const ADMIN = 'admin-token-0123456789';

const minimal: Record<string, string> = {
  HUBSPOT_CLIENT_SECRET: SECRET,
  PUBLIC_BASE_URL: 'https://billing.example.com',
  CRITERIA_PATH: 'criteria/',
  ADMIN_TOKEN: ADMIN,
};

function ok(env: Record<string, string | undefined>): Config {
  const r = loadConfig(env);
  if (!r.ok) throw new Error(formatConfigProblems(r.problems));
  return r.config;
}

function rawProblems(env: Record<string, string | undefined>) {
  const r = loadConfig(env);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

/** Each problem as the variable it names (its path) and its message. */
const problems = (env: Record<string, string | undefined>) => rawProblems(env).map((p) => ({ variable: formatPath(p.path), message: p.message }));

describe('loadConfig', () => {
  it('applies every default', () => {
    expect(ok(minimal)).toEqual({
      port: 3000,
      redisUrl: 'redis://127.0.0.1:6379',
      redisClusterNodes: [],
      hubspotClientSecret: SECRET,
      publicBaseUrl: 'https://billing.example.com',
      criteriaPath: 'criteria/',
      adminToken: ADMIN,
      redisPrefix: 'ob',
      signalHoldMs: 10_000,
      lateHorizonMs: undefined,
      disputeHorizonMs: 7_776_000_000,
      sweepIntervalMs: 5_000,
      workerConcurrency: 16,
      workerLockMs: 30_000,
      maxBodyBytes: 1_048_576,
      maxBatchEvents: 100,
      quarantineMaxEntries: 1_000,
      quarantineRetentionMs: 2_592_000_000,
      signalRetentionMs: 3_024_000_000,
      shutdownTimeoutMs: 10_000,
      logLevel: 'info',
      hubspotAccessToken: undefined,
      hubspotApiBaseUrl: 'https://api.hubapi.com',
      hubspotBurstLimit: 100,
      writebackIntervalMs: 1_000,
      writebackPendingDelayMs: 30_000,
      crmReadIntervalMs: 250,
      disputeResolvers: { userIds: new Set(), emails: new Set() },
      alertWebhook: null,
      criteriaEditors: new Set(),
    });
  });

  it('reads the alert webhook with its signing key, requires the key with the URL, and never echoes either', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
    const key = 'alert-signing-key-0123456789';
    expect(ok({ ...minimal, ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: key }).alertWebhook).toEqual({ url, secret: key });
    expect(problems({ ...minimal, ALERT_WEBHOOK_URL: url })).toEqual([{ variable: 'ALERT_WEBHOOK_SECRET', message: expect.stringContaining('is required with ALERT_WEBHOOK_URL') }]);
    const bad = problems({ ...minimal, ALERT_WEBHOOK_URL: 'http://hooks.example.com/XXXXSECRET', ALERT_WEBHOOK_SECRET: 'short' });
    expect(bad.map((p) => p.variable)).toEqual(['ALERT_WEBHOOK_URL', 'ALERT_WEBHOOK_SECRET']);
    expect(JSON.stringify(bad)).not.toContain('XXXXSECRET');
    expect(redactedConfig(ok({ ...minimal, ALERT_WEBHOOK_URL: url, ALERT_WEBHOOK_SECRET: key })).alertWebhook).toBe('[redacted]');
  });

  it('reports a webhook URL or key without the other with every other problem at once, never ignoring the key alone', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';
    const key = 'alert-signing-key-0123456789';
    expect(problems({ ...minimal, ALERT_WEBHOOK_SECRET: key })).toEqual([{ variable: 'ALERT_WEBHOOK_URL', message: expect.stringContaining('is required with ALERT_WEBHOOK_SECRET') }]);
    const both = problems({ ...minimal, PORT: 'eighty', ALERT_WEBHOOK_URL: url });
    expect(both.map((p) => p.variable)).toEqual(['PORT', 'ALERT_WEBHOOK_SECRET']);
    expect(problems({ ...minimal, ADMIN_TOKEN: undefined, ALERT_WEBHOOK_SECRET: key }).map((p) => p.variable)).toEqual(['ADMIN_TOKEN', 'ALERT_WEBHOOK_URL']);
  });

  it('reads dispute resolvers as user ids and lower-cased emails, and names an entry that is neither', () => {
    expect(ok({ ...minimal, DISPUTE_RESOLVERS: ' 7, Ana@Example.com ,,12' }).disputeResolvers).toEqual({ userIds: new Set([7, 12]), emails: new Set(['ana@example.com']) });
    expect(problems({ ...minimal, DISPUTE_RESOLVERS: '7, finance team' })).toEqual([
      { variable: 'DISPUTE_RESOLVERS', message: '"finance team" is neither a HubSpot user id nor an email (list user ids and emails, separated by commas)' },
    ]);
  });

  it('reads criteria editors as HubSpot user ids and names an entry that is not one', () => {
    expect(ok({ ...minimal, CRITERIA_EDITORS: ' 7,,12 ' }).criteriaEditors).toEqual(new Set([7, 12]));
    expect(problems({ ...minimal, CRITERIA_EDITORS: '7, ana@example.com' })).toEqual([
      { variable: 'CRITERIA_EDITORS', message: '"ana@example.com" is not a HubSpot user id (list user ids, separated by commas)' },
    ]);
  });

  it('reads every variable when set', () => {
    const config = ok({
      ...minimal,
      PORT: '8080',
      REDIS_URL: 'rediss://:pw@redis.internal:6380/2',
      REDIS_PREFIX: 'ob-prod',
      SIGNAL_HOLD_MS: '0',
      LATE_HORIZON_MS: '172800000',
      DISPUTE_HORIZON_MS: '2592000000',
      SWEEP_INTERVAL_MS: '1000',
      WORKER_CONCURRENCY: '16',
      MAX_BODY_BYTES: '2097152',
      MAX_BATCH_EVENTS: '250',
      QUARANTINE_MAX_ENTRIES: '50',
      QUARANTINE_RETENTION_MS: '86400000',
      SHUTDOWN_TIMEOUT_MS: '25000',
      LOG_LEVEL: 'DEBUG',
      HUBSPOT_ACCESS_TOKEN: 'pat-na1-xyz',
      HUBSPOT_API_BASE_URL: 'http://127.0.0.1:9999/',
      HUBSPOT_BURST_LIMIT: '190',
      WRITEBACK_INTERVAL_MS: '2000',
      CRM_READ_INTERVAL_MS: '500',
    });
    expect(config).toMatchObject({
      port: 8080,
      redisUrl: 'rediss://:pw@redis.internal:6380/2',
      redisPrefix: 'ob-prod',
      signalHoldMs: 0,
      lateHorizonMs: 172_800_000,
      disputeHorizonMs: 2_592_000_000,
      sweepIntervalMs: 1000,
      workerConcurrency: 16,
      maxBodyBytes: 2_097_152,
      maxBatchEvents: 250,
      quarantineMaxEntries: 50,
      quarantineRetentionMs: 86_400_000,
      shutdownTimeoutMs: 25_000,
      logLevel: 'debug',
      hubspotAccessToken: 'pat-na1-xyz',
      hubspotApiBaseUrl: 'http://127.0.0.1:9999',
      hubspotBurstLimit: 190,
      writebackIntervalMs: 2_000,
      crmReadIntervalMs: 500,
    });
  });

  it("takes HubSpot's three burst limits and nothing else, and keeps the drain intervals above their floors", () => {
    for (const limit of [100, 190, 250] as const) expect(ok({ ...minimal, HUBSPOT_BURST_LIMIT: ` ${limit} ` }).hubspotBurstLimit).toBe(limit);
    expect(ok({ ...minimal, HUBSPOT_BURST_LIMIT: '' }).hubspotBurstLimit).toBe(100);
    expect(problems({ ...minimal, HUBSPOT_BURST_LIMIT: '150', WRITEBACK_INTERVAL_MS: '50', CRM_READ_INTERVAL_MS: 'fast' })).toEqual([
      { variable: 'HUBSPOT_BURST_LIMIT', message: expect.stringMatching(/^must be 100, 190 or 250: the app's HubSpot burst limit per 10 seconds/) },
      { variable: 'WRITEBACK_INTERVAL_MS', message: 'must be a whole number at least 100 (milliseconds between write-back drains), got "50"' },
      { variable: 'CRM_READ_INTERVAL_MS', message: 'must be a whole number at least 50 (milliseconds between CRM read drains), got "fast"' },
    ]);
  });

  it('refuses a late horizon longer than the signal retention, naming both, with every other problem at once', () => {
    // Equal is allowed; the default retention (35 days) bounds a horizon set alone.
    expect(ok({ ...minimal, LATE_HORIZON_MS: '86400000', SIGNAL_RETENTION_MS: '86400000' })).toMatchObject({ lateHorizonMs: 86_400_000, signalRetentionMs: 86_400_000 });
    expect(ok({ ...minimal, LATE_HORIZON_MS: '3024000000' }).lateHorizonMs).toBe(3_024_000_000);
    expect(rawProblems({ ...minimal, LATE_HORIZON_MS: '3024000001' })).toEqual([
      { code: 'conflict', path: ['LATE_HORIZON_MS'], message: expect.stringMatching(/^must be at most SIGNAL_RETENTION_MS \(3024000000\), got 3024000001: /) },
    ]);
    expect(problems({ ...minimal, PORT: 'eighty', LATE_HORIZON_MS: '172800000', SIGNAL_RETENTION_MS: '86400000' })).toEqual([
      { variable: 'PORT', message: expect.stringContaining('whole number') },
      { variable: 'LATE_HORIZON_MS', message: expect.stringContaining('must be at most SIGNAL_RETENTION_MS (86400000), got 172800000') },
    ]);
    // An unreadable value is reported as itself, not as a conflict.
    expect(problems({ ...minimal, LATE_HORIZON_MS: '172800000', SIGNAL_RETENTION_MS: 'long' }).map((p) => p.variable)).toEqual(['SIGNAL_RETENTION_MS']);
  });

  it('treats an empty variable as unset', () => {
    expect(ok({ ...minimal, PORT: '', LOG_LEVEL: ' ', HUBSPOT_ACCESS_TOKEN: '' })).toMatchObject({ port: 3000, logLevel: 'info', hubspotAccessToken: undefined });
    expect(problems({ ...minimal, HUBSPOT_CLIENT_SECRET: '' })).toEqual([
      { variable: 'HUBSPOT_CLIENT_SECRET', message: expect.stringMatching(/^is required/) },
    ]);
  });

  it('lists every missing required variable at once, in a stable order', () => {
    expect(problems({}).map((p) => p.variable)).toEqual(['HUBSPOT_CLIENT_SECRET', 'PUBLIC_BASE_URL', 'CRITERIA_PATH', 'ADMIN_TOKEN']);
  });

  it('lists every invalid value at once, each with a message a person can act on', () => {
    const found = problems({
      ...minimal,
      PORT: 'eighty',
      REDIS_URL: 'http://127.0.0.1:6379',
      PUBLIC_BASE_URL: 'http://billing.example.com',
      ADMIN_TOKEN: 'too-short',
      REDIS_PREFIX: 'has space',
      WORKER_CONCURRENCY: '0',
      MAX_BODY_BYTES: '1.5',
      LOG_LEVEL: 'loud',
    });
    expect(found).toEqual([
      { variable: 'PORT', message: 'must be a whole number from 0 to 65535 (the TCP port to listen on), got "eighty"' },
      { variable: 'REDIS_URL', message: expect.stringContaining('must be a redis:// or rediss:// URL') },
      { variable: 'PUBLIC_BASE_URL', message: expect.stringContaining('must be an https URL (the public address HubSpot calls)') },
      { variable: 'ADMIN_TOKEN', message: expect.stringContaining('at least 16 characters') },
      { variable: 'REDIS_PREFIX', message: expect.stringContaining('letters, digits') },
      { variable: 'WORKER_CONCURRENCY', message: expect.stringContaining('from 1 to 1000') },
      { variable: 'MAX_BODY_BYTES', message: expect.stringContaining('whole number') },
      { variable: 'LOG_LEVEL', message: expect.stringContaining('must be one of fatal, error, warn, info, debug, trace, silent') },
    ]);
  });

  it('allows http for localhost and 127.0.0.1 only, and keeps a path prefix without its trailing slash', () => {
    expect(ok({ ...minimal, PUBLIC_BASE_URL: 'http://localhost:3000/' }).publicBaseUrl).toBe('http://localhost:3000');
    expect(ok({ ...minimal, PUBLIC_BASE_URL: 'http://127.0.0.1:3000' }).publicBaseUrl).toBe('http://127.0.0.1:3000');
    expect(ok({ ...minimal, PUBLIC_BASE_URL: 'https://example.com/billing/' }).publicBaseUrl).toBe('https://example.com/billing');
    expect(problems({ ...minimal, PUBLIC_BASE_URL: 'http://10.0.0.5:3000' })[0]?.variable).toBe('PUBLIC_BASE_URL');
    expect(problems({ ...minimal, PUBLIC_BASE_URL: 'billing.example.com' })[0]?.variable).toBe('PUBLIC_BASE_URL');
  });

  it('refuses a base URL with a query, a fragment or credentials: signatures cover the exact URL', () => {
    for (const url of ['https://example.com/?a=1', 'https://example.com/#x', 'https://u:p@example.com']) {
      expect(problems({ ...minimal, PUBLIC_BASE_URL: url })).toEqual([{ variable: 'PUBLIC_BASE_URL', message: expect.stringContaining('bare origin') }]);
    }
  });

  it('never echoes a secret in a problem', () => {
    const found = rawProblems({ ...minimal, ADMIN_TOKEN: 'sekrit-short', REDIS_URL: 'ftp://user:hunter2@host' });
    const text = formatConfigProblems(found);
    expect(text).not.toContain('sekrit-short');
    expect(text).not.toContain('hunter2');
  });

  it('gives each problem a code and the variable as its path', () => {
    expect(rawProblems({ ...minimal, HUBSPOT_CLIENT_SECRET: undefined, PORT: 'eighty' })).toEqual([
      { code: 'custom', path: ['PORT'], message: expect.stringContaining('whole number') },
      { code: 'required', path: ['HUBSPOT_CLIENT_SECRET'], message: expect.stringMatching(/^is required/) },
    ]);
  });

  it('ignores unrelated variables', () => {
    expect(ok({ ...minimal, PATH: '/usr/bin', HOME: '/root' }).port).toBe(3000);
  });
});

describe('formatConfigProblems', () => {
  it('writes one "VARIABLE: message" line per problem', () => {
    expect(formatConfigProblems([{ code: 'custom', path: ['PORT'], message: 'must be a whole number' }, { code: 'required', path: ['ADMIN_TOKEN'], message: 'is required' }])).toBe(
      'PORT: must be a whole number\nADMIN_TOKEN: is required',
    );
  });
});

describe('redactedConfig', () => {
  it('hides the client secret, the admin token, the access token and a Redis password', () => {
    const config = ok({ ...minimal, REDIS_URL: 'redis://:hunter2@redis.internal:6379', HUBSPOT_ACCESS_TOKEN: 'pat-na1-secret', DISPUTE_RESOLVERS: '7,ana@example.com' });
    const shown = JSON.stringify(redactedConfig(config));
    for (const secret of [SECRET, ADMIN, 'pat-na1-secret', 'hunter2', 'ana@example.com']) expect(shown).not.toContain(secret);
    expect(redactedConfig(config).disputeResolvers).toEqual({ userIds: 1, emails: 1 });
    expect(redactedConfig(config)).toMatchObject({
      hubspotClientSecret: '[redacted]',
      adminToken: '[redacted]',
      hubspotAccessToken: '[redacted]',
      redisUrl: 'redis://:redacted@redis.internal:6379',
      publicBaseUrl: 'https://billing.example.com',
      port: 3000,
    });
  });

  it('masks a password-only Redis URL written as a user name, and leaves a URL without credentials alone', () => {
    expect(redactedConfig(ok({ ...minimal, REDIS_URL: 'redis://hunter2@redis.internal:6379' })).redisUrl).toBe('redis://redacted@redis.internal:6379');
    expect(redactedConfig(ok(minimal)).redisUrl).toBe('redis://127.0.0.1:6379');
  });

  it('shows an unset access token as unset', () => {
    expect(redactedConfig(ok(minimal)).hubspotAccessToken).toBeUndefined();
  });
});
