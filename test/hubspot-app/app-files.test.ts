// The shape of every file in hubspot-app/ and property-definitions/ (HubSpot's own upload checks need an account), per config profile, and webhook coverage of the criteria.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadCriteriaFiles } from '../../src/adapters/files/criteria-files.ts';
import {
  billingPropertiesSchema,
  loadPropertyDefinitions,
  PROPERTY_DEFINITIONS_DIR,
  verificationLogSchemaSchema,
} from '../../src/adapters/hubspot/property-definitions.ts';
import { generateWebhooks, missingSubscriptions, ownPropertySubscriptions, webhooksComponentSchema } from '../../src/app/hubspot-subscriptions.ts';
import { main } from '../../src/cli/main.ts';
import { parseCriteriaText } from '../../src/core/criteria/parse-file.ts';
import type { CriteriaVersion } from '../../src/core/criteria/types.ts';
import { REASONS, STATUSES } from '../../src/core/types.ts';
import { readProfiles, substitute } from './profiles.ts';
import type { Profile } from './profiles.ts';

const root = join(import.meta.dirname, '../..');
const appDir = join(root, 'hubspot-app');
const webhooksFile = join(appDir, 'src/app/webhooks/webhooks-hsmeta.json');
const exampleCriteria = ['enrich-and-route', 'meeting-booked', 'ticket-resolved'].map((n) => join(root, 'examples', n, 'criteria.yaml'));

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const profiles = readProfiles();
const prod = profiles.find((p) => p.name === 'prod')!;
/** A -hsmeta.json file as HubSpot reads it when the project is uploaded with `profile`. */
const readWithProfile = (file: string, profile: Profile): unknown => substitute(readJson(file), profile.variables);
/** The webhooks component as uploaded to production: the subscriptions are the same under every profile. */
const prodWebhooks = () => webhooksComponentSchema.parse(readWithProfile(webhooksFile, prod));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    // A card folder's own `npm install` (to try it with `hs project dev`) is not part of the project.
    .filter((d) => d.isFile() && !d.parentPath.split(/[\\/]/).includes('node_modules'))
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

// HubSpot/hubspot-project-components (2026.09 hsproject.json, static-private app-hsmeta.json) and the
// developer-platform app configuration reference.
const hsprojectSchema = z.strictObject({
  name: z.string().min(1),
  srcDir: z.literal('src'),
  platformVersion: z.enum(['2026.03', '2026.09']),
});

const uid = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);
const httpsOrigin = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && `${u.origin}` === s;
  } catch {
    return false;
  }
}, 'must be a bare https origin');

// The app card reference (developer platform): one location, the record types, a React entry point under app/cards/.
const cardSchema = z.strictObject({
  uid,
  type: z.literal('card'),
  config: z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    location: z.enum(['crm.record.tab', 'crm.record.sidebar', 'crm.preview', 'helpdesk.sidebar']),
    entrypoint: z.string().regex(/^\/app\/cards\/[\w./-]+\.(jsx|tsx)$/),
    objectTypes: z.array(z.enum(['contacts', 'companies', 'deals', 'tickets'])).min(1),
  }),
});

// The app home page (developer platform, "Create an app home page"; HubSpot/ui-extensions-examples
// example-2025-2-project/src/app/pages/home-hsmeta.json): location home, a React entry point under app/pages/.
const pageSchema = z.strictObject({
  uid,
  type: z.literal('page'),
  config: z.strictObject({
    entrypoint: z.string().regex(/^\/app\/pages\/[\w./-]+\.(jsx|tsx)$/),
    location: z.literal('home'),
  }),
});

// The settings page (developer platform, "Create a settings page"; example-2025-2-project/src/app/settings/):
// type settings, a React entry point under app/settings/.
const settingsSchema = z.strictObject({
  uid,
  type: z.literal('settings'),
  config: z.strictObject({ entrypoint: z.string().regex(/^\/app\/settings\/[\w./-]+\.(jsx|tsx)$/) }),
});

const appSchema = z.strictObject({
  uid,
  type: z.literal('app'),
  config: z.strictObject({
    name: z.string().min(1).max(200).regex(/^\S(.*\S)?$/),
    description: z.string().min(1).max(8192),
    distribution: z.literal('private'),
    // A static app has no redirectUrls: strictObject rejects them.
    auth: z.strictObject({
      type: z.literal('static'),
      requiredScopes: z.array(z.string().min(1)).min(1),
      optionalScopes: z.array(z.string()),
      conditionallyRequiredScopes: z.array(z.string()),
    }),
    permittedUrls: z.strictObject({ fetch: z.array(httpsOrigin).min(1), iframe: z.array(httpsOrigin), img: z.array(httpsOrigin) }),
    support: z.strictObject({ supportEmail: z.email(), documentationUrl: z.url().optional(), supportUrl: z.url().optional(), supportPhone: z.string().optional() }).optional(),
  }),
});

/** What the service does with HubSpot, and nothing more: records read and written, properties created, the verification-log object. */
const SERVICE_SCOPES = [
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.schemas.contacts.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.schemas.deals.write',
  'crm.objects.tickets.read',
  'crm.objects.tickets.write',
  'crm.schemas.tickets.write',
  'crm.objects.custom.read',
  'crm.objects.custom.write',
  'crm.schemas.custom.read',
  'crm.schemas.custom.write',
];

async function exampleVersions(): Promise<CriteriaVersion[]> {
  const loaded = await loadCriteriaFiles(exampleCriteria);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.versions.map((v) => v.criteria);
}

function criteria(overrides: string): CriteriaVersion {
  const text = `id: extra\nversion: 1\nname: Extra\nowner: a@example.com\neffective_from: 2026-01-01T00:00:00Z\nobject: deal\ntrigger: { property: agent_go_at }\nsuccess: "dealstage = 'won'"\nwithin: 1h\nprice: { currency: USD, model: flat, unit_amount: "1.00" }\n${overrides}`;
  const parsed = parseCriteriaText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.versions[0]!.criteria;
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = process.env.CRITERIA_PATH;
  if (env.CRITERIA_PATH === undefined) delete process.env.CRITERIA_PATH;
  else process.env.CRITERIA_PATH = env.CRITERIA_PATH;
  try {
    const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    if (saved === undefined) delete process.env.CRITERIA_PATH;
    else process.env.CRITERIA_PATH = saved;
  }
}

describe('hubspot-app/', () => {
  it('holds only files whose shape this test checks, and the card and home page, whose code tsc, eslint and their own tests check', () => {
    const files = filesUnder(appDir);
    const react = (f: string) => f.startsWith('src/app/cards/') || f.startsWith('src/app/pages/') || f.startsWith('src/app/settings/');
    expect(files.filter((f) => !react(f))).toEqual([
      'hsproject.json',
      'src/app/app-hsmeta.json',
      'src/app/webhooks/webhooks-hsmeta.json',
      'src/hsprofile.local.json',
      'src/hsprofile.prod.json',
    ]);
    const card = files.filter((f) => f.startsWith('src/app/cards/')).map((f) => f.slice('src/app/cards/'.length));
    expect(card.filter((f) => !/^(api|components|hooks|words)\/[a-z-]+\.tsx?$/.test(f))).toEqual(['outcome-card-entry.tsx', 'outcome-card-hsmeta.json', 'package.json']);
    const page = files.filter((f) => f.startsWith('src/app/pages/')).map((f) => f.slice('src/app/pages/'.length));
    expect(page.filter((f) => !/^(api|components|hooks|words)\/[a-z-]+\.tsx?$/.test(f))).toEqual(['home-entry.tsx', 'home-hsmeta.json', 'package.json']);
    const settings = files.filter((f) => f.startsWith('src/app/settings/')).map((f) => f.slice('src/app/settings/'.length));
    expect(settings.filter((f) => !/^(api|components|hooks|words)\/[a-z-]+\.tsx?$/.test(f))).toEqual(['package.json', 'settings-entry.tsx', 'settings-hsmeta.json']);
  });

  it('the settings page is a settings component with a stable uid and an entry point that exists', () => {
    const settings = settingsSchema.parse(readJson(join(appDir, 'src/app/settings/settings-hsmeta.json')));
    expect(settings.uid).toBe('outcome_billing_settings');
    expect(existsSync(join(appDir, 'src', settings.config.entrypoint))).toBe(true);
  });

  it('the home page is an app home page with a stable uid and an entry point that exists', () => {
    const page = pageSchema.parse(readJson(join(appDir, 'src/app/pages/home-hsmeta.json')));
    expect(page.uid).toBe('outcome_billing_home');
    expect(existsSync(join(appDir, 'src', page.config.entrypoint))).toBe(true);
  });

  it('has a config profile per environment, each with its account and the https origin of the service', () => {
    expect(profiles.map((p) => p.name)).toEqual(['local', 'prod']);
    expect(new Set(profiles.map((p) => p.variables.BACKEND_URL)).size).toBe(profiles.length);
  });

  it('hsproject.json is a 2026.09 developer project', () => {
    const project = hsprojectSchema.parse(readJson(join(appDir, 'hsproject.json')));
    expect(project.platformVersion).toBe('2026.09');
  });

  it.each(profiles)('app-hsmeta.json is a static-auth, privately distributed app with exactly the service scopes (profile $name)', (profile) => {
    const file = join(appDir, 'src/app/app-hsmeta.json');
    const app = appSchema.parse(readWithProfile(file, profile));
    expect([...app.config.auth.requiredScopes].sort()).toEqual([...SERVICE_SCOPES].sort());
    expect(new Set(app.config.auth.requiredScopes).size).toBe(app.config.auth.requiredScopes.length);
    expect(app.config.auth.optionalScopes).toEqual([]);
    // The card may fetch only the service, wherever the profile puts it.
    expect((readJson(file) as { config: { permittedUrls: { fetch: string[] } } }).config.permittedUrls.fetch).toEqual(['${BACKEND_URL}']);
    expect(app.config.permittedUrls.fetch).toEqual([profile.variables.BACKEND_URL]);
  });

  it('the card is a record-tab card on contacts, deals and tickets with a stable uid and an entry point that exists', () => {
    const card = cardSchema.parse(readJson(join(appDir, 'src/app/cards/outcome-card-hsmeta.json')));
    // HubSpot keys the card's place on the record by its uid: changing it loses every portal's layout.
    expect(card.uid).toBe('outcome_billing_outcome_card');
    expect(card.config).toMatchObject({ location: 'crm.record.tab', objectTypes: ['contacts', 'deals', 'tickets'] });
    expect(existsSync(join(appDir, 'src', card.config.entrypoint))).toBe(true);
  });

  it.each(['cards', 'pages', 'settings'])("the %s folder's package.json pins the versions the root installs for its tests, and is no workspace of the root", (folder) => {
    const cardPackage = z.looseObject({ type: z.literal('module'), dependencies: z.record(z.string(), z.string()), devDependencies: z.record(z.string(), z.string()) });
    const pkg = cardPackage.parse(readJson(join(appDir, 'src/app', folder, 'package.json')));
    const installed = (name: string) => (readJson(join(root, 'node_modules', name, 'package.json')) as { version: string }).version;
    // The settings page's form edits the draft's YAML with the parser the service uses.
    const yaml = folder === 'settings' ? { yaml: `^${installed('yaml')}` } : {};
    expect(pkg.dependencies).toEqual({ '@hubspot/ui-extensions': installed('@hubspot/ui-extensions'), react: installed('react'), ...yaml, zod: `^${installed('zod')}` });
    expect(pkg.devDependencies).toEqual({ '@types/react': `^${installed('@types/react')}` });
    expect(readJson(join(root, 'package.json'))).not.toHaveProperty('workspaces');
  });

  it('every component has its own uid', () => {
    const uids = filesUnder(appDir)
      .filter((f) => f.endsWith('-hsmeta.json'))
      .map((f) => (readJson(join(appDir, f)) as { uid: string }).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each(profiles)('webhooks-hsmeta.json is a webhooks component pointing at the service (profile $name)', (profile) => {
    expect((readJson(webhooksFile) as { config: { settings: unknown } }).config.settings).toEqual({ targetUrl: '${BACKEND_URL}/webhooks/hubspot', maxConcurrentRequests: 10 });
    const hooks = webhooksComponentSchema.parse(readWithProfile(webhooksFile, profile));
    expect(hooks.config.settings).toEqual({ targetUrl: `${profile.variables.BACKEND_URL}/webhooks/hubspot`, maxConcurrentRequests: 10 });
    const subs = [...(hooks.config.subscriptions.crmObjects ?? []), ...(hooks.config.subscriptions.hubEvents ?? [])];
    expect(subs.length).toBeLessThanOrEqual(1000);
    const keys = subs.map((s) => JSON.stringify(s));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('webhooks-hsmeta.json covers every property the examples read, with lifecycle events, and is what the generator makes', async () => {
    const versions = await exampleVersions();
    const hooks = prodWebhooks();
    expect(missingSubscriptions(hooks, versions)).toEqual([]);
    expect(ownPropertySubscriptions(hooks)).toEqual([]);
    expect(hooks).toEqual(generateWebhooks(versions, hooks.config.settings).component);
    const types = (hooks.config.subscriptions.crmObjects ?? []).filter((s) => s.propertyName === undefined).map((s) => `${s.objectType} ${s.subscriptionType}`);
    for (const object of ['contact', 'deal', 'ticket']) {
      for (const event of ['creation', 'deletion', 'merge', 'restore']) expect(types).toContain(`${object} object.${event}`);
    }
    expect(hooks.config.subscriptions.hubEvents).toEqual([{ subscriptionType: 'contact.privacyDeletion', active: true }]);
  });
});

describe('webhook coverage of the criteria', () => {
  it('fails when a criteria reads a property no subscription covers', async () => {
    const hooks = prodWebhooks();
    const extra = criteria(`fail_if: "agent_outcome = 'x'"\nexclude:\n  - { if: "amount > 5", label: big }\n`);
    const missing = missingSubscriptions(hooks, [...(await exampleVersions()), extra]);
    expect(missing.map((m) => `${m.object}.${m.property}`)).toEqual(['deal.agent_go_at', 'deal.agent_outcome', 'deal.amount']);
    expect(missing[0]!.readBy).toEqual(['extra v1']);
  });

  it('counts legacy and generic subscriptions, but not inactive ones', () => {
    const v = criteria('');
    const base = generateWebhooks([v]).component;
    expect(missingSubscriptions(base, [v])).toEqual([]);
    const crm = base.config.subscriptions.crmObjects!;
    const legacy = {
      ...base,
      config: {
        ...base.config,
        subscriptions: {
          ...base.config.subscriptions,
          crmObjects: crm.filter((s) => s.propertyName !== 'dealstage').map((s) => (s.propertyName === 'agent_go_at' ? { ...s, active: false } : s)),
          legacyCrmObjects: [{ subscriptionType: 'deal.propertyChange', propertyName: 'dealstage', active: true }],
        },
      },
    };
    expect(missingSubscriptions(legacy, [v]).map((m) => m.property)).toEqual(['agent_go_at']);
  });

  it("never subscribes to the service's own write-back properties", () => {
    const v = criteria(`approve_if: "ob_disputed = 'false'"\n`);
    const generated = generateWebhooks([v]);
    expect(generated.excluded).toEqual([{ object: 'deal', property: 'ob_disputed', readBy: ['extra v1'] }]);
    expect(generated.component.config.subscriptions.crmObjects!.some((s) => s.propertyName?.startsWith('ob_'))).toBe(false);
    expect(missingSubscriptions(generated.component, [v])).toEqual([]);
  });

  it('subscriptions --check passes for the examples and fails, naming the property, for a criteria it does not cover', async () => {
    // The project's own file, with the profile variable in its targetUrl.
    const uploaded = webhooksFile;
    const ok = await run(['hubspot', 'subscriptions', '--check', '--out', uploaded, ...exampleCriteria.flatMap((c) => ['--criteria', c])]);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'ob-subs-'));
    const file = join(dir, 'extra.yaml');
    writeFileSync(file, readFileSync(exampleCriteria[2]!, 'utf8').replace("success: \"hs_pipeline_stage = '4' AND NOT hs_is_spam\"", "success: \"hs_pipeline_stage = '4' AND NOT hs_is_spam AND hs_resolution IS KNOWN\""));
    const bad = await run(['hubspot', 'subscriptions', '--check', '--out', uploaded], { CRITERIA_PATH: file });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('missing: ticket.hs_resolution: no active property-change subscription (read by ticket-resolved v1)');
  });

  it('subscriptions writes the file and keeps its target URL and concurrency', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ob-subs-'));
    const out = join(dir, 'webhooks-hsmeta.json');
    const hooks = prodWebhooks();
    writeFileSync(out, JSON.stringify({ ...hooks, config: { settings: { targetUrl: 'https://billing.acme.test/webhooks/hubspot', maxConcurrentRequests: 7 }, subscriptions: {} } }));
    const result = await run(['hubspot', 'subscriptions', '--out', out, ...exampleCriteria]);
    expect(result.code).toBe(0);
    const written = webhooksComponentSchema.parse(readJson(out));
    expect(written.config.settings).toEqual({ targetUrl: 'https://billing.acme.test/webhooks/hubspot', maxConcurrentRequests: 7 });
    expect(written.config.subscriptions).toEqual(hooks.config.subscriptions);
    expect(readFileSync(out, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('subscriptions without criteria is a usage error', async () => {
    expect((await run(['hubspot', 'subscriptions'])).code).toBe(2);
  });
});

describe('property-definitions/', () => {
  it('holds only the two checked files, both valid', async () => {
    expect(filesUnder(PROPERTY_DEFINITIONS_DIR)).toEqual(['billing-properties.json', 'verification-log-schema.json']);
    const loaded = await loadPropertyDefinitions();
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  });

  it('billing properties: one group on contacts, deals and tickets, the fields of the latest outcome', () => {
    const billing = billingPropertiesSchema.parse(readJson(join(PROPERTY_DEFINITIONS_DIR, 'billing-properties.json')));
    expect(billing.objectTypes).toEqual(['contacts', 'deals', 'tickets']);
    expect(billing.group).toMatchObject({ name: 'ob_billing_outcome', label: 'Billing outcome' });
    const byName = Object.fromEntries(billing.properties.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(
      [
        'ob_billable_count',
        'ob_credited_count',
        'ob_criteria_id',
        'ob_criteria_version',
        'ob_dispute_state',
        'ob_disputed',
        'ob_outcome_id',
        'ob_over_limit',
        'ob_reason',
        'ob_settled_at',
        'ob_status',
        'ob_succeeded_at',
      ].sort(),
    );
    expect(byName['ob_status']!.options!.map((o) => o.value)).toEqual([...STATUSES]);
    expect(byName['ob_reason']!.options!.map((o) => o.value)).toEqual([...REASONS]);
    expect(byName['ob_succeeded_at']).toMatchObject({ type: 'datetime', fieldType: 'date' });
    expect(byName['ob_billable_count']).toMatchObject({ type: 'number' });
    expect(byName['ob_disputed']).toMatchObject({ type: 'bool', fieldType: 'booleancheckbox' });
    expect(byName['ob_dispute_state']!.options!.map((o) => o.value)).toEqual(['none', 'open', 'upheld', 'rejected']);
    expect(byName['ob_credited_count']).toMatchObject({ type: 'number' });
    expect(byName['ob_over_limit']).toMatchObject({ type: 'bool', fieldType: 'booleancheckbox' });
    expect(billing.properties.every((p) => p.hasUniqueValue !== true)).toBe(true);
  });

  it('verification log: one record per outcome, unique outcome id, money as a decimal string, associated with contacts, deals and tickets', () => {
    const schema = verificationLogSchemaSchema.parse(readJson(join(PROPERTY_DEFINITIONS_DIR, 'verification-log-schema.json')));
    expect(schema.associatedObjects).toEqual(['CONTACT', 'DEAL', 'TICKET']);
    expect(schema.primaryDisplayProperty).toBe('ob_outcome_id');
    expect(schema.requiredProperties).toContain('ob_outcome_id');
    const byName = Object.fromEntries(schema.properties.map((p) => [p.name, p]));
    expect(byName['ob_outcome_id']).toMatchObject({ type: 'string', hasUniqueValue: true });
    expect(schema.properties.filter((p) => p.hasUniqueValue === true).map((p) => p.name)).toEqual(['ob_outcome_id']);
    expect(byName['ob_amount']).toMatchObject({ type: 'string' });
    expect(byName['ob_currency']).toMatchObject({ type: 'string' });
    expect(byName['ob_audit_trail']).toMatchObject({ type: 'string', fieldType: 'textarea' });
    expect(byName['ob_audit_trail_sha256']).toMatchObject({ type: 'string' });
    expect(byName['ob_status']!.options!.map((o) => o.value)).toEqual([...STATUSES]);
    expect(byName['ob_reason']!.options!.map((o) => o.value)).toEqual([...REASONS]);
    for (const name of ['ob_criteria_id', 'ob_criteria_version', 'ob_object_type', 'ob_record_id', 'ob_label', 'ob_tries', 'ob_opened_at', 'ob_succeeded_at', 'ob_settled_at']) {
      expect(byName).toHaveProperty(name);
    }
    for (const name of ['ob_opened_at', 'ob_succeeded_at', 'ob_settled_at', 'ob_dispute_opened_at', 'ob_dispute_resolved_at']) expect(byName[name]).toMatchObject({ type: 'datetime' });
    // The dispute, its credit and the allocation (contract §5, §9); users by email, periods as YYYY-MM text.
    expect(byName['ob_dispute_state']!.options!.map((o) => o.value)).toEqual(['none', 'open', 'upheld', 'rejected']);
    for (const name of ['ob_dispute_reason', 'ob_dispute_note']) expect(byName[name]).toMatchObject({ type: 'string', fieldType: 'textarea' });
    for (const name of ['ob_dispute_opened_by', 'ob_dispute_resolved_by', 'ob_billed_period', 'ob_credit_period', 'ob_agent_id', 'ob_cost_centre']) expect(byName[name]).toMatchObject({ type: 'string' });
    expect(byName['ob_over_limit']).toMatchObject({ type: 'bool', fieldType: 'booleancheckbox' });
  });

  it('the schemas reject what HubSpot or the contract would refuse', () => {
    const billing = readJson(join(PROPERTY_DEFINITIONS_DIR, 'billing-properties.json')) as { properties: Record<string, unknown>[] };
    const broken = structuredClone(billing);
    broken.properties[0] = { ...broken.properties[0], options: (broken.properties[0]!['options'] as unknown[]).slice(1) };
    broken.properties[1] = { ...broken.properties[1], fieldType: 'select' };
    const added = broken.properties.length;
    broken.properties.push({ ...broken.properties[2], name: 'status_without_prefix' });
    broken.properties.push({ ...broken.properties[8], name: 'ob_unique_flag', hasUniqueValue: true });
    const messages = billingPropertiesSchema.safeParse(broken).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^properties\.0\.options: must list exactly the contract's values/),
        expect.stringMatching(/^properties\.1\.fieldType: a string property takes fieldType text or textarea/),
        expect.stringMatching(new RegExp(`^properties\\.${added}\\.name: must be a lower-case internal name starting with ob_`)),
        expect.stringMatching(new RegExp(`^properties\\.${added + 1}\\.hasUniqueValue: only string and number`)),
      ]),
    );
    // A dispute state the write-back writes but HubSpot's dropdown lacks would fail every write of it.
    const disputeAt = billing.properties.findIndex((p) => p['name'] === 'ob_dispute_state');
    const noRejected = structuredClone(billing);
    noRejected.properties[disputeAt] = { ...noRejected.properties[disputeAt], options: (noRejected.properties[disputeAt]!['options'] as unknown[]).slice(0, -1) };
    expect(billingPropertiesSchema.safeParse(noRejected).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      `properties.${disputeAt}.options: must list exactly the contract's values, in order: none, open, upheld, rejected`,
    ]);
    const schema = readJson(join(PROPERTY_DEFINITIONS_DIR, 'verification-log-schema.json')) as Record<string, unknown> & { properties: Record<string, unknown>[] };
    const noUnique = { ...schema, properties: schema.properties.map((p) => (p['name'] === 'ob_outcome_id' ? { ...p, hasUniqueValue: false } : p)), searchableProperties: ['ob_nope'] };
    const schemaMessages = verificationLogSchemaSchema.safeParse(noUnique).error?.issues.map((i) => i.message) ?? [];
    expect(schemaMessages).toEqual(expect.arrayContaining([expect.stringMatching(/ob_outcome_id must exist with hasUniqueValue: true/), '"ob_nope" is not one of the schema\'s properties']));
  });
});
