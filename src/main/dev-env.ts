// `npm run dev`'s settings: development defaults beneath whatever the environment sets, and the banner saying what to run next.
import { randomBytes } from 'node:crypto';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEBHOOK_PATH } from '../adapters/http/webhook-receiver.ts';
import { redactedConfig } from '../config/env.ts';
import type { Config } from '../config/env.ts';

export const DEV_PORT = 3000;
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

// As the service reads it, an empty variable (`FOO=`) is unset: it takes the default.
const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** 32 URL-safe characters from 24 random bytes. */
export const randomSecret = (): string => randomBytes(24).toString('base64url');

/** Why `npm run dev` will not run here, or null: it makes up secrets, prints them and allows plain http. */
export function productionRefusal(env: Readonly<Record<string, string | undefined>>): string | null {
  if (env.NODE_ENV?.trim().toLowerCase() !== 'production') return null;
  return (
    'npm run dev refuses to start with NODE_ENV=production: it makes up a client secret and an admin token, prints them, ' +
    'and serves plain http on localhost. Run the service with `npm start` and your own HUBSPOT_CLIENT_SECRET, ' +
    'ADMIN_TOKEN, PUBLIC_BASE_URL and CRITERIA_PATH (README, "Running the live service").'
  );
}

/** Fills in what the environment leaves unset; a variable the caller set always wins. */
export function devEnvironment(env: Readonly<Record<string, string | undefined>>, secret: () => string = randomSecret): DevEnvironment {
  const port = isSet(env.PORT) ? env.PORT.trim() : String(DEV_PORT);
  const defaults: Record<string, () => string> = {
    PORT: () => String(DEV_PORT),
    PUBLIC_BASE_URL: () => `http://localhost:${port}`,
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

/**
 * What the dev process prints once at start (the generated secrets are shown here and nowhere else):
 * where it listens, what it runs with, and the commands to run next in another terminal.
 */
export function devBanner(config: Config, generated: DevEnvironment['generated'], cwd: string): string {
  const shownConfig = redactedConfig(config);
  const criteria = shown(config.criteriaPath, cwd);
  const base = `http://localhost:${config.port}`;
  const secretNote = generated.clientSecret ? config.hubspotClientSecret : '(from your environment)';
  const tokenNote = generated.adminToken ? config.adminToken : '(from your environment)';
  const sendEnv = generated.clientSecret ? `HUBSPOT_CLIENT_SECRET=${config.hubspotClientSecret} ` : '';
  const redisFlags = [
    config.redisUrl === 'redis://127.0.0.1:6379' ? '' : ` --redis-url ${String(shownConfig.redisUrl)}`,
    config.redisPrefix === 'ob' ? '' : ` --prefix ${config.redisPrefix}`,
  ].join('');
  const token = generated.adminToken ? config.adminToken : '$ADMIN_TOKEN';
  return [
    '',
    'outcome-billing, development mode: the receiver and a worker in one process (Ctrl-C stops both)',
    `  listening     ${base}  (PUBLIC_BASE_URL ${config.publicBaseUrl})`,
    `  criteria      ${criteria}`,
    `  Redis         ${String(shownConfig.redisUrl)}, keys under ${config.redisPrefix}:`,
    `  HubSpot       ${config.hubspotAccessToken ? `on (${config.hubspotApiBaseUrl})` : 'off: no HUBSPOT_ACCESS_TOKEN, nothing is read from or written to HubSpot'}`,
    `  HUBSPOT_CLIENT_SECRET=${secretNote}`,
    `  ADMIN_TOKEN=${tokenNote}`,
    '',
    'Next, in another terminal in this folder:',
    // `send` signs the URL it posts to, so it must be the one the service checks: PUBLIC_BASE_URL's.
    `  ${sendEnv}npx outcome-billing send --events ${shown(DEMO_EVENTS, cwd)} --now --to ${config.publicBaseUrl}${WEBHOOK_PATH}`,
    `  npx outcome-billing ledger --criteria ${criteria}${redisFlags}`,
    'and look at:',
    `  ${base}/metrics`,
    `  curl -H 'Authorization: Bearer ${token}' '${base}/api/outcomes?objectType=ticket&recordId=101'`,
    '',
    '',
  ].join('\n');
}
