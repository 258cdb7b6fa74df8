// HubSpot's own parser (@hubspot/project-parsing-lib, what `hs project upload` runs) reads the project under each config profile.
//
// Structure only: its schema validation fetches HubSpot's schemas, which needs an account (hubspot-platform.md,
// "The kind of app"), so it runs with skipValidation and app-files.test.ts checks the shapes.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { translate } from '@hubspot/project-parsing-lib/translate';
import { describe, expect, it } from 'vitest';
import { appDir, projectSourceDir, readProfiles } from './profiles.ts';

const { platformVersion } = JSON.parse(readFileSync(join(appDir, 'hsproject.json'), 'utf8')) as { platformVersion: string };
const profiles = readProfiles();

async function parse(sourceDir: string, profile: string, accountId: number) {
  return translate({ projectSourceDir: sourceDir, platformVersion, accountId }, { skipValidation: true, profile });
}

describe("HubSpot's project parser", () => {
  it.each(profiles)('reads the app, the webhooks, the card and the home page with BACKEND_URL put in (profile $name)', async (profile) => {
    const url = profile.variables.BACKEND_URL;
    const { intermediateRepresentation: ir, skippedHsMetaFiles } = await parse(projectSourceDir, profile.name, profile.accountId);
    expect(skippedHsMetaFiles).toEqual([]);
    const nodes = ir.intermediateNodesIndexedByUid;
    const byUid = Object.fromEntries(Object.values(nodes).map((n) => [n.uid, { type: n.componentType, file: n.metaFilePath, config: n.config as Record<string, unknown> }]));
    expect(Object.keys(byUid).sort()).toEqual(['outcome_billing_app', 'outcome_billing_home', 'outcome_billing_outcome_card', 'outcome_billing_settings', 'outcome_billing_webhooks']);
    expect(byUid['outcome_billing_app']).toMatchObject({ type: 'APPLICATION', file: 'app/app-hsmeta.json', config: { permittedUrls: { fetch: [url] } } });
    expect(byUid['outcome_billing_webhooks']).toMatchObject({ type: 'WEBHOOKS', file: 'app/webhooks/webhooks-hsmeta.json', config: { settings: { targetUrl: `${url}/webhooks/hubspot` } } });
    expect(byUid['outcome_billing_outcome_card']).toMatchObject({ type: 'CARD', file: 'app/cards/outcome-card-hsmeta.json', config: { location: 'crm.record.tab' } });
    expect(byUid['outcome_billing_home']).toMatchObject({ type: 'PAGE', file: 'app/pages/home-hsmeta.json', config: { location: 'home' } });
    expect(byUid['outcome_billing_settings']).toMatchObject({ type: 'SETTINGS', file: 'app/settings/settings-hsmeta.json', config: { entrypoint: '/app/settings/settings-entry.tsx' } });
    // The card, the home page and the webhooks belong to the app.
    for (const uid of ['outcome_billing_outcome_card', 'outcome_billing_home', 'outcome_billing_settings', 'outcome_billing_webhooks']) expect(nodes[uid]!.componentDeps).toMatchObject({ app: 'outcome_billing_app' });
    expect(JSON.stringify(nodes)).not.toContain('${');
    // What HubSpot keeps of the profile, and what it hands the card as context.variables.
    expect(ir.profileData).toEqual({ vars: { profileVariables: { BACKEND_URL: { variableType: 'PROFILE_STRING', value: url } } } });
    const entrypoint = (byUid['outcome_billing_outcome_card']!.config as { entrypoint: string }).entrypoint;
    expect(existsSync(join(projectSourceDir, entrypoint))).toBe(true);
  });

  it('refuses a profile that does not set BACKEND_URL, naming it', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'ob-project-'));
    cpSync(projectSourceDir, copy, { recursive: true, filter: (src) => !src.split(/[\\/]/).includes('node_modules') });
    try {
      writeFileSync(join(copy, 'hsprofile.staging.json'), JSON.stringify({ accountId: 1, variables: { OTHER: 'https://x.example.com' } }));
      await expect(parse(copy, 'staging', 1)).rejects.toThrow(/BACKEND_URL/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
