// What the service logs: secrets replaced wherever they appear, and an unset secret shown as not set.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/adapters/logging/logger.ts';
import { loadConfig, redactedConfig } from '../../../src/config/env.ts';

const minimal = { HUBSPOT_CLIENT_SECRET: 'client-secret-abc', PUBLIC_BASE_URL: 'https://billing.example.com', CRITERIA_PATH: 'criteria/', ADMIN_TOKEN: 'admin-token-0123456789' };

/** The start-up line as compose.ts writes it, parsed. */
function startupLine(env: Record<string, string>): Record<string, unknown> {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  createLogger({ level: 'info', name: 'test', destination }).info({ config: redactedConfig(loaded.config) }, 'starting');
  return (JSON.parse(lines.join('')) as { config: Record<string, unknown> }).config;
}

describe('the start-up log line', () => {
  it('shows an unset HubSpot access token as not set, not as "[redacted]"', () => {
    expect(startupLine(minimal).hubspotAccessToken).toBe('(not set)');
  });

  it('redacts a set token, the client secret and the admin token', () => {
    const config = startupLine({ ...minimal, HUBSPOT_ACCESS_TOKEN: 'pat-na1-secret' });
    expect(config).toMatchObject({ hubspotAccessToken: '[redacted]', hubspotClientSecret: '[redacted]', adminToken: '[redacted]' });
    expect(JSON.stringify(config)).not.toMatch(/pat-na1-secret|client-secret-abc|admin-token-0123456789/);
  });
});
