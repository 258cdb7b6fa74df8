// `npm run dev`'s settings: development defaults beneath whatever the environment sets, and the banner saying what to run next.
import { randomBytes } from 'node:crypto';
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV_SESSION_FILE } from '../adapters/files/dev-session.ts';
import type { DevSession } from '../adapters/files/dev-session.ts';
import { WEBHOOK_PATH, localWebhookUrl } from '../adapters/http/paths.ts';
import { DEFAULT_PORT, isSetValue as isSet, redactedConfig } from '../config/env.ts';
import type { Config } from '../config/env.ts';

/** Short, so what the demo sends settles while you watch; long enough to put concurrent deliveries in order. */
export const DEV_SIGNAL_HOLD_MS = 2_000;
const DEV_SHUTDOWN_TIMEOUT_MS = 5_000;

export const DEMO_CRITERIA = fileURLToPath(new URL('../../examples/quick-demo/criteria.yaml', import.meta.url));
export const DEMO_EVENTS = fileURLToPath(new URL('../../examples/quick-demo/events.json', import.meta.url));

export interface DevEnvironment {
  /** The environment the service starts with: the caller's, with a default for each development setting it leaves unset. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Which secrets were made up for this run (the environment set the others): only these are printed. */
  readonly generated: { readonly clientSecret: boolean; readonly adminToken: boolean };
}

/** 32 URL-safe characters from 24 random bytes. */
export const randomSecret = (): string => randomBytes(24).toString('base64url');

/** Why `npm run dev` will not run here, or null: it makes up secrets, prints them and allows plain http. */
export function productionRefusal(env: Readonly<Record<string, string | undefined>>): string | null {
  if (env.NODE_ENV?.trim().toLowerCase() !== 'production') return null;
  return (
    'npm run dev refuses to start with NODE_ENV=production: it makes up a client secret and an admin token, prints them, ' +
    'and serves plain http on localhost. Run the service with `npm start` and your own HUBSPOT_CLIENT_SECRET, ' +
    'ADMIN_TOKEN, PUBLIC_BASE_URL and CRITERIA_PATH (docs/running.md).'
  );
}

/** Fills in what the environment leaves unset; a variable the caller set always wins. */
export function devEnvironment(env: Readonly<Record<string, string | undefined>>, secret: () => string = randomSecret): DevEnvironment {
  const port = isSet(env.PORT) ? env.PORT.trim() : String(DEFAULT_PORT);
  const defaults: Record<string, () => string> = {
    PORT: () => String(DEFAULT_PORT),
    // 127.0.0.1, not localhost: it is the URL `send` posts to and signs by default (and localhost may resolve to ::1).
    PUBLIC_BASE_URL: () => `http://127.0.0.1:${port}`,
    CRITERIA_PATH: () => DEMO_CRITERIA,
    SIGNAL_HOLD_MS: () => String(DEV_SIGNAL_HOLD_MS),
    SHUTDOWN_TIMEOUT_MS: () => String(DEV_SHUTDOWN_TIMEOUT_MS),
    HUBSPOT_CLIENT_SECRET: secret,
    ADMIN_TOKEN: secret,
  };
  const filled: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(defaults)) if (!isSet(env[name])) filled[name] = value();
  return { env: filled, generated: { clientSecret: !isSet(env.HUBSPOT_CLIENT_SECRET), adminToken: !isSet(env.ADMIN_TOKEN) } };
}

/** A path as the user would type it from `cwd` (npm runs scripts from the checkout), or absolute when outside it. */
function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** What `send` and `ledger` need to talk to this run: written to DEV_SESSION_FILE, read back by their fallback. */
export function devSession(config: Config, cwd: string, pid: number, startedAt: Date): DevSession {
  return {
    webhookUrl: `${config.publicBaseUrl}${WEBHOOK_PATH}`,
    hubspotClientSecret: config.hubspotClientSecret,
    adminToken: config.adminToken,
    // Absolute, so the commands may run from elsewhere than where CRITERIA_PATH was relative to.
    criteriaPath: resolve(cwd, config.criteriaPath),
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    pid,
    startedAt: startedAt.toISOString(),
  };
}

/**
 * What the dev process prints once at start (the generated secrets are shown here and nowhere else):
 * where it listens, what it runs with, and the commands to run next in another terminal, which find
 * the rest in the session file.
 */
export function devBanner(config: Config, generated: DevEnvironment['generated'], cwd: string): string {
  const shownConfig = redactedConfig(config);
  const base = `http://127.0.0.1:${config.port}`;
  const webhookUrl = `${config.publicBaseUrl}${WEBHOOK_PATH}`;
  // The session file gives `send` the URL anyway; printed when it is not the default, so the line also works from elsewhere.
  const to = webhookUrl === localWebhookUrl(DEFAULT_PORT) ? '' : ` --to ${webhookUrl}`;
  const token = generated.adminToken ? config.adminToken : '$ADMIN_TOKEN';
  return [
    '',
    'outcome-billing, development mode: the receiver and a worker in one process (Ctrl-C stops both)',
    `  listening     ${base}  (PUBLIC_BASE_URL ${config.publicBaseUrl})`,
    `  criteria      ${shown(config.criteriaPath, cwd)}`,
    `  Redis         ${String(shownConfig.redisUrl)}, keys under ${config.redisPrefix}:`,
    `  HubSpot       ${config.hubspotAccessToken ? `on (${config.hubspotApiBaseUrl})` : 'off: no HUBSPOT_ACCESS_TOKEN, nothing is read from or written to HubSpot'}`,
    `  HUBSPOT_CLIENT_SECRET=${generated.clientSecret ? config.hubspotClientSecret : '(from your environment)'}`,
    `  ADMIN_TOKEN=${generated.adminToken ? config.adminToken : '(from your environment)'}`,
    `  settings for the commands below: ${DEV_SESSION_FILE} (development only, git-ignored)`,
    '',
    'Next, in another terminal in this folder:',
    `  npx outcome-billing send --events ${shown(DEMO_EVENTS, cwd)} --now${to}`,
    '  npx outcome-billing ledger',
    'and look at:',
    `  ${base}/metrics`,
    `  curl -H 'Authorization: Bearer ${token}' '${base}/api/outcomes?objectType=ticket&recordId=101'`,
    '',
    '',
  ].join('\n');
}
