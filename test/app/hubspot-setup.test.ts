// `hubspot setup` against a nock HubSpot: every request's method, date-based path and body, for fresh, partly and fully set-up portals.
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPropertyDefinitions } from '../../src/adapters/hubspot/property-definitions.ts';
import type { PropertyDefinition, PropertyDefinitions } from '../../src/adapters/hubspot/property-definitions.ts';
import { hubspotCommand } from '../../src/cli/commands/hubspot-setup.ts';

const BASE = 'https://api.hubapi.com';
const TOKEN = 'pat-na1-test-token-never-printed';
const ENV = { HUBSPOT_ACCESS_TOKEN: TOKEN };
const LOG_TYPE_ID = '2-7001';
const LOG_GROUP = 'ob_verification_log_information';

let defs: PropertyDefinitions;
beforeAll(async () => {
  const loaded = await loadPropertyDefinitions();
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  defs = loaded.definitions;
});

interface Call {
  method: string;
  path: string;
  body: unknown;
}
let calls: Call[];

beforeEach(() => {
  calls = [];
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/**
 * A HubSpot double that answers exactly the given requests, in any order, each once, and records what
 * was sent. A request it does not expect (method, path or body) finds no interceptor and fails the run.
 */
function hubspot(base = BASE) {
  const scope = nock(base, { reqheaders: { authorization: `Bearer ${TOKEN}` } });
  scope.on('request', (req: { method: string; url: string }, _i: unknown, body: string) => {
    const url = new URL(req.url);
    calls.push({ method: req.method, path: `${url.pathname}${url.search}`, body: body === '' ? undefined : JSON.parse(body) });
  });
  const api = {
    get(path: string, status: number, answer: unknown) {
      scope.get(path).reply(status, answer as nock.Body);
      return api;
    },
    send(method: 'POST' | 'PATCH', path: string, body: unknown, status = method === 'POST' ? 201 : 200, answer: unknown = body) {
      scope.intercept(path, method, body as nock.RequestBodyMatcher).reply(status, answer as nock.Body);
      return api;
    },
    scope,
  };
  return api;
}

/** A property as HubSpot lists it, with the fields HubSpot adds. */
function asHubSpot(p: PropertyDefinition, groupName: string, overrides: Record<string, unknown> = {}) {
  return {
    name: p.name,
    label: p.label,
    type: p.type,
    fieldType: p.fieldType,
    groupName,
    description: p.description,
    options: (p.options ?? []).map((o) => ({ ...o, description: '' })),
    displayOrder: -1,
    hasUniqueValue: p.hasUniqueValue ?? false,
    hidden: false,
    formField: p.formField ?? true,
    calculated: false,
    externalOptions: false,
    hubspotDefined: false,
    archived: false,
    createdAt: '2026-10-01T00:00:00Z',
    updatedAt: '2026-10-01T00:00:00Z',
    modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
    ...overrides,
  };
}

const standard = (name: string) => ({ name, label: name, type: 'string', fieldType: 'text', groupName: 'contactinformation', description: '', options: [], hubspotDefined: true });
const otherGroup = { name: 'contactinformation', label: 'Contact information', displayOrder: 0, archived: false };

function logSchema(overrides: Record<string, unknown> = {}) {
  const w = defs.verificationLog;
  return {
    id: '7001',
    name: w.name,
    objectTypeId: LOG_TYPE_ID,
    fullyQualifiedName: `p123_${w.name}`,
    labels: w.labels,
    description: w.description,
    primaryDisplayProperty: w.primaryDisplayProperty,
    secondaryDisplayProperties: w.secondaryDisplayProperties,
    requiredProperties: w.requiredProperties,
    searchableProperties: w.searchableProperties,
    archived: false,
    associations: [
      { id: '1', fromObjectTypeId: LOG_TYPE_ID, toObjectTypeId: '0-1', name: 'ob_verification_log_to_contact' },
      { id: '2', fromObjectTypeId: LOG_TYPE_ID, toObjectTypeId: '0-3', name: 'ob_verification_log_to_deal' },
      { id: '3', fromObjectTypeId: '0-5', toObjectTypeId: LOG_TYPE_ID, name: 'ticket_to_ob_verification_log' },
    ],
    ...overrides,
  };
}

async function setup(args: string[] = [], env: NodeJS.ProcessEnv = ENV) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await hubspotCommand(['setup', ...args], { out: (t) => out.push(t), err: (t) => err.push(t) }, env);
  const text = { out: out.join('\n'), err: err.join('\n') };
  expect(text.out + text.err).not.toContain(TOKEN);
  return { code, ...text, outLines: out };
}

const RECORD_TYPES = ['contacts', 'deals', 'tickets'] as const;
const requests = () => calls.map((c) => `${c.method} ${c.path}`);

describe('hubspot setup: fresh portal', () => {
  it('creates the group and every property on each object, then the verification-log object, and says so', async () => {
    const api = hubspot();
    const group = { name: 'ob_billing_outcome', label: 'Billing outcome' };
    for (const o of RECORD_TYPES) {
      api.get(`/crm/properties/2026-09/${o}/groups`, 200, { results: [otherGroup] });
      api.send('POST', `/crm/properties/2026-09/${o}/groups`, group, 201, { ...group, displayOrder: -1, archived: false });
      api.get(`/crm/properties/2026-09/${o}`, 200, { results: [standard('email')] });
      for (const p of defs.billing.properties) api.send('POST', `/crm/properties/2026-09/${o}`, { ...p, groupName: 'ob_billing_outcome' }, 201, asHubSpot(p, 'ob_billing_outcome'));
    }
    api.get('/crm-object-schemas/2026-09/schemas', 200, { results: [] });
    const w = defs.verificationLog;
    const schemaBody = {
      name: 'ob_verification_log',
      description: w.description,
      labels: { singular: 'Verification log', plural: 'Verification logs' },
      primaryDisplayProperty: 'ob_outcome_id',
      secondaryDisplayProperties: ['ob_status', 'ob_criteria_id'],
      requiredProperties: ['ob_outcome_id'],
      searchableProperties: ['ob_outcome_id', 'ob_criteria_id', 'ob_record_id'],
      associatedObjects: ['CONTACT', 'DEAL', 'TICKET'],
      properties: w.properties,
    };
    api.send('POST', '/crm-object-schemas/2026-09/schemas', schemaBody, 201, logSchema());

    const result = await setup();
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(nock.pendingMocks()).toEqual([]);

    const perObject = (o: string) => [
      `GET /crm/properties/2026-09/${o}/groups`,
      `POST /crm/properties/2026-09/${o}/groups`,
      `GET /crm/properties/2026-09/${o}`,
      ...defs.billing.properties.map(() => `POST /crm/properties/2026-09/${o}`),
    ];
    expect(requests()).toEqual([...RECORD_TYPES.flatMap(perObject), 'GET /crm-object-schemas/2026-09/schemas', 'POST /crm-object-schemas/2026-09/schemas']);

    // The bodies, spelled out once, as HubSpot's create endpoints take them.
    expect(calls[1]!.body).toEqual({ name: 'ob_billing_outcome', label: 'Billing outcome' });
    expect(calls[3]!.body).toEqual({
      name: 'ob_status',
      label: 'Billing outcome status',
      description: "Status of this record's latest billing outcome (written by the outcome billing service).",
      type: 'enumeration',
      fieldType: 'select',
      formField: false,
      groupName: 'ob_billing_outcome',
      options: [
        { label: 'Open', value: 'open', displayOrder: 0, hidden: false },
        { label: 'Failed', value: 'failed', displayOrder: 1, hidden: false },
        { label: 'In review', value: 'in_review', displayOrder: 2, hidden: false },
        { label: 'Billable', value: 'billable', displayOrder: 3, hidden: false },
        { label: 'Not billable', value: 'not_billable', displayOrder: 4, hidden: false },
        { label: 'Credited', value: 'credited', displayOrder: 5, hidden: false },
      ],
    });
    const schemaCall = calls.at(-1)!.body as { properties: { name: string; hasUniqueValue?: boolean }[] };
    expect(schemaCall.properties.find((p) => p.name === 'ob_outcome_id')).toMatchObject({ type: 'string', fieldType: 'text', hasUniqueValue: true });

    expect(result.outLines).toContain('created group contacts.ob_billing_outcome');
    expect(result.outLines).toContain('created property tickets.ob_disputed');
    expect(result.outLines).toContain('created object schema ob_verification_log (28 properties, associated with contacts, deals, tickets)');
    expect(result.outLines.at(-1)).toBe('done: 40 changes');
  });

  it('--dry-run sends only GETs and prints what it would create', async () => {
    const api = hubspot();
    for (const o of RECORD_TYPES) {
      api.get(`/crm/properties/2026-09/${o}/groups`, 200, { results: [] });
      api.get(`/crm/properties/2026-09/${o}`, 200, { results: [] });
    }
    api.get('/crm-object-schemas/2026-09/schemas', 200, { results: [] });
    const result = await setup(['--dry-run']);
    expect(result.code).toBe(0);
    expect(calls.every((c) => c.method === 'GET')).toBe(true);
    expect(calls).toHaveLength(7);
    expect(result.outLines).toContain('would create group deals.ob_billing_outcome');
    expect(result.outLines).toContain('would create property deals.ob_status');
    expect(result.outLines).toContain('would create object schema ob_verification_log (28 properties, associated with contacts, deals, tickets)');
    expect(result.outLines.at(-1)).toBe('dry run: 40 changes would be made; nothing was sent but reads');
  });
});

describe('hubspot setup: partly set up', () => {
  it('creates only what is missing and patches only the fields that differ', async () => {
    const api = hubspot();
    const billing = defs.billing.properties;
    const byName = (n: string) => billing.find((p) => p.name === n)!;
    const present = (except: string[], overrides: Record<string, Record<string, unknown>> = {}) =>
      billing.filter((p) => !except.includes(p.name)).map((p) => asHubSpot(p, 'ob_billing_outcome', overrides[p.name]));

    // contacts: group in place; ob_status relabelled by someone, ob_reason lacks an option and has one of a person's own, ob_disputed missing.
    const reason = byName('ob_reason');
    const reasonInHubSpot = [...reason.options!.filter((o) => o.value !== 'cap_reached'), { label: 'Fraud', value: 'fraud', displayOrder: 9, hidden: false }];
    api.get('/crm/properties/2026-09/contacts/groups', 200, { results: [otherGroup, { name: 'ob_billing_outcome', label: 'Billing outcome', displayOrder: -1, archived: false }] });
    api.get('/crm/properties/2026-09/contacts', 200, {
      results: [standard('email'), ...present(['ob_disputed'], { ob_status: { label: 'Status (old)' }, ob_reason: { options: reasonInHubSpot } })],
    });
    api.send('PATCH', '/crm/properties/2026-09/contacts/ob_status', { label: 'Billing outcome status' });
    api.send('PATCH', '/crm/properties/2026-09/contacts/ob_reason', {
      options: [...reason.options!, { label: 'Fraud', value: 'fraud', displayOrder: 10, hidden: false }],
    });
    api.send('POST', '/crm/properties/2026-09/contacts', { ...byName('ob_disputed'), groupName: 'ob_billing_outcome' }, 201, asHubSpot(byName('ob_disputed'), 'ob_billing_outcome'));

    // deals: the group was renamed in HubSpot, and one property sits in another group with another field type.
    api.get('/crm/properties/2026-09/deals/groups', 200, { results: [{ name: 'ob_billing_outcome', label: 'Billing', displayOrder: 3 }] });
    api.send('PATCH', '/crm/properties/2026-09/deals/groups/ob_billing_outcome', { label: 'Billing outcome' });
    api.get('/crm/properties/2026-09/deals', 200, { results: present([], { ob_criteria_id: { groupName: 'dealinformation', fieldType: 'textarea' } }) });
    api.send('PATCH', '/crm/properties/2026-09/deals/ob_criteria_id', { groupName: 'ob_billing_outcome', type: 'string', fieldType: 'text' });

    // tickets: all in place.
    api.get('/crm/properties/2026-09/tickets/groups', 200, { results: [{ name: 'ob_billing_outcome', label: 'Billing outcome' }] });
    api.get('/crm/properties/2026-09/tickets', 200, { results: present([]) });

    // the log object exists without its ticket association, one property, and one searchable property.
    const log = defs.verificationLog;
    api.get('/crm-object-schemas/2026-09/schemas', 200, {
      results: [logSchema({ associations: logSchema().associations.slice(0, 2), searchableProperties: ['ob_outcome_id', 'ob_criteria_id', 'hs_object_id'] })],
    });
    api.get(`/crm/properties/2026-09/${LOG_TYPE_ID}`, 200, {
      results: [standard('hs_object_id'), ...log.properties.filter((p) => p.name !== 'ob_audit_trail_sha256').map((p) => asHubSpot(p, LOG_GROUP))],
    });
    const sha = log.properties.find((p) => p.name === 'ob_audit_trail_sha256')!;
    api.send('POST', `/crm/properties/2026-09/${LOG_TYPE_ID}`, { ...sha, groupName: LOG_GROUP }, 201, asHubSpot(sha, LOG_GROUP));
    api.send('POST', `/crm-object-schemas/2026-09/schemas/${LOG_TYPE_ID}/associations`, { fromObjectTypeId: LOG_TYPE_ID, toObjectTypeId: '0-5', name: 'ob_verification_log_to_ticket' }, 201, {
      id: '9',
      fromObjectTypeId: LOG_TYPE_ID,
      toObjectTypeId: '0-5',
    });
    api.send('PATCH', `/crm-object-schemas/2026-09/schemas/${LOG_TYPE_ID}`, { searchableProperties: ['ob_outcome_id', 'ob_criteria_id', 'hs_object_id', 'ob_record_id'] }, 200, logSchema());

    const result = await setup();
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(nock.pendingMocks()).toEqual([]);
    expect(requests().filter((r) => !r.startsWith('GET'))).toEqual([
      'PATCH /crm/properties/2026-09/contacts/ob_status',
      'PATCH /crm/properties/2026-09/contacts/ob_reason',
      'POST /crm/properties/2026-09/contacts',
      'PATCH /crm/properties/2026-09/deals/groups/ob_billing_outcome',
      'PATCH /crm/properties/2026-09/deals/ob_criteria_id',
      `POST /crm/properties/2026-09/${LOG_TYPE_ID}`,
      `POST /crm-object-schemas/2026-09/schemas/${LOG_TYPE_ID}/associations`,
      `PATCH /crm-object-schemas/2026-09/schemas/${LOG_TYPE_ID}`,
    ]);
    expect(result.outLines).toEqual(
      expect.arrayContaining([
        'unchanged group contacts.ob_billing_outcome',
        'updated property contacts.ob_status (label)',
        'updated property contacts.ob_reason (options)',
        'created property contacts.ob_disputed',
        'updated group deals.ob_billing_outcome (label)',
        'updated property deals.ob_criteria_id (groupName, type, fieldType)',
        'unchanged property tickets.ob_reason',
        'created property ob_verification_log.ob_audit_trail_sha256',
        'unchanged association ob_verification_log to deals',
        'created association ob_verification_log to tickets',
        'updated object schema ob_verification_log (searchableProperties)',
        'done: 8 changes',
      ]),
    );
  });

  it('reports a property whose unique-value setting differs as a conflict for a person, never patching it', async () => {
    const api = hubspot();
    for (const o of RECORD_TYPES) {
      api.get(`/crm/properties/2026-09/${o}/groups`, 200, { results: [{ name: 'ob_billing_outcome', label: 'Billing outcome' }] });
      api.get(`/crm/properties/2026-09/${o}`, 200, { results: defs.billing.properties.map((p) => asHubSpot(p, 'ob_billing_outcome')) });
    }
    api.get('/crm-object-schemas/2026-09/schemas', 200, { results: [logSchema()] });
    api.get(`/crm/properties/2026-09/${LOG_TYPE_ID}`, 200, {
      results: defs.verificationLog.properties.map((p) => asHubSpot(p, LOG_GROUP, p.name === 'ob_outcome_id' ? { hasUniqueValue: false, label: 'Old label' } : {})),
    });
    const result = await setup();
    expect(result.code).toBe(1);
    expect(requests().every((r) => r.startsWith('GET'))).toBe(true);
    expect(result.outLines).toContainEqual(expect.stringMatching(/^conflict property ob_verification_log\.ob_outcome_id: hasUniqueValue is false in HubSpot but true/));
    expect(result.err).toContain('1 conflict needs a person');
  });
});

describe('hubspot setup: a portal set up before disputes were written back', () => {
  const NEW_BILLING = ['ob_dispute_state', 'ob_credited_count'];
  const NEW_LOG = [
    'ob_billed_period',
    'ob_dispute_state',
    'ob_dispute_reason',
    'ob_dispute_opened_by',
    'ob_dispute_opened_at',
    'ob_dispute_note',
    'ob_dispute_resolved_by',
    'ob_dispute_resolved_at',
    'ob_credit_period',
    'ob_agent_id',
    'ob_cost_centre',
    'ob_over_limit',
  ];

  it('creates the dispute and credit properties on each object and the dispute, credit and allocation fields on the log, and changes nothing else', async () => {
    const api = hubspot();
    const billing = (n: string) => defs.billing.properties.find((p) => p.name === n)!;
    const logField = (n: string) => defs.verificationLog.properties.find((p) => p.name === n)!;
    for (const o of RECORD_TYPES) {
      api.get(`/crm/properties/2026-09/${o}/groups`, 200, { results: [{ name: 'ob_billing_outcome', label: 'Billing outcome' }] });
      const before = defs.billing.properties.filter((p) => !NEW_BILLING.includes(p.name));
      api.get(`/crm/properties/2026-09/${o}`, 200, { results: before.map((p) => asHubSpot(p, 'ob_billing_outcome')) });
      for (const n of NEW_BILLING) api.send('POST', `/crm/properties/2026-09/${o}`, { ...billing(n), groupName: 'ob_billing_outcome' }, 201, asHubSpot(billing(n), 'ob_billing_outcome'));
    }
    api.get('/crm-object-schemas/2026-09/schemas', 200, { results: [logSchema()] });
    const logBefore = defs.verificationLog.properties.filter((p) => !NEW_LOG.includes(p.name));
    api.get(`/crm/properties/2026-09/${LOG_TYPE_ID}`, 200, { results: [standard('hs_object_id'), ...logBefore.map((p) => asHubSpot(p, LOG_GROUP))] });
    for (const n of NEW_LOG) api.send('POST', `/crm/properties/2026-09/${LOG_TYPE_ID}`, { ...logField(n), groupName: LOG_GROUP }, 201, asHubSpot(logField(n), LOG_GROUP));

    const result = await setup();
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(nock.pendingMocks()).toEqual([]);
    expect(requests().filter((r) => !r.startsWith('GET'))).toEqual([
      ...RECORD_TYPES.flatMap((o) => NEW_BILLING.map(() => `POST /crm/properties/2026-09/${o}`)),
      ...NEW_LOG.map(() => `POST /crm/properties/2026-09/${LOG_TYPE_ID}`),
    ]);
    // The bodies as HubSpot's create endpoint takes them, spelled out for the two a rep sees on the record.
    const created = calls.filter((c) => c.method === 'POST' && c.path === '/crm/properties/2026-09/deals').map((c) => c.body);
    const option = (label: string, value: string, displayOrder: number) => ({ label, value, displayOrder, hidden: false });
    expect(created).toEqual([
      {
        name: 'ob_dispute_state',
        label: 'Latest dispute',
        description: expect.stringContaining('Where the latest dispute on this record stands'),
        type: 'enumeration',
        fieldType: 'select',
        formField: false,
        groupName: 'ob_billing_outcome',
        options: [option('No dispute', 'none', 0), option('Open: waiting for a decision', 'open', 1), option('Upheld: credited', 'upheld', 2), option('Rejected: stays billed', 'rejected', 3)],
      },
      { name: 'ob_credited_count', label: 'Credited outcomes', description: expect.any(String), type: 'number', fieldType: 'number', formField: false, groupName: 'ob_billing_outcome' },
    ]);
    const opener = calls.find((c) => c.method === 'POST' && c.path === `/crm/properties/2026-09/${LOG_TYPE_ID}` && (c.body as { name: string }).name === 'ob_dispute_opened_by')!.body;
    expect(opener).toMatchObject({ label: 'Disputed by', type: 'string', fieldType: 'text', groupName: LOG_GROUP });
    expect(result.outLines).toEqual(
      expect.arrayContaining([
        'created property contacts.ob_dispute_state',
        'created property tickets.ob_credited_count',
        'unchanged property deals.ob_disputed',
        'created property ob_verification_log.ob_dispute_opened_by',
        'created property ob_verification_log.ob_credit_period',
        'created property ob_verification_log.ob_over_limit',
        'unchanged object schema ob_verification_log',
        'done: 18 changes',
      ]),
    );
  });
});

describe('hubspot setup: fully set up', () => {
  function everythingInPlace(base = BASE) {
    const api = hubspot(base);
    for (const o of RECORD_TYPES) {
      api.get(`/crm/properties/2026-09/${o}/groups`, 200, { results: [otherGroup, { name: 'ob_billing_outcome', label: 'Billing outcome', displayOrder: 4 }] });
      api.get(`/crm/properties/2026-09/${o}`, 200, { results: [standard('email'), ...defs.billing.properties.map((p) => asHubSpot(p, 'ob_billing_outcome'))] });
    }
    api.get('/crm-object-schemas/2026-09/schemas', 200, { results: [{ name: 'other', objectTypeId: '2-1', archived: false }, logSchema()] });
    api.get(`/crm/properties/2026-09/${LOG_TYPE_ID}`, 200, { results: defs.verificationLog.properties.map((p) => asHubSpot(p, LOG_GROUP)) });
    return api;
  }

  it('only reads, and reports everything unchanged', async () => {
    everythingInPlace();
    const result = await setup();
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(nock.pendingMocks()).toEqual([]);
    expect(requests()).toEqual([
      ...RECORD_TYPES.flatMap((o) => [`GET /crm/properties/2026-09/${o}/groups`, `GET /crm/properties/2026-09/${o}`]),
      'GET /crm-object-schemas/2026-09/schemas',
      `GET /crm/properties/2026-09/${LOG_TYPE_ID}`,
    ]);
    expect(result.outLines.filter((l) => !l.startsWith('unchanged '))).toEqual(['everything was already in place']);
    expect(result.outLines).toHaveLength(3 * (1 + 12) + 28 + 3 + 1 + 1);
  });

  it('reads the schema itself when the list leaves out its associations', async () => {
    const api = hubspot();
    for (const o of RECORD_TYPES) {
      api.get(`/crm/properties/2026-09/${o}/groups`, 200, { results: [{ name: 'ob_billing_outcome', label: 'Billing outcome' }] });
      api.get(`/crm/properties/2026-09/${o}`, 200, { results: defs.billing.properties.map((p) => asHubSpot(p, 'ob_billing_outcome')) });
    }
    api.get('/crm-object-schemas/2026-09/schemas', 200, { results: [logSchema({ associations: undefined })] });
    api.get(`/crm-object-schemas/2026-09/schemas/${LOG_TYPE_ID}`, 200, logSchema());
    api.get(`/crm/properties/2026-09/${LOG_TYPE_ID}`, 200, { results: defs.verificationLog.properties.map((p) => asHubSpot(p, LOG_GROUP)) });
    const result = await setup();
    expect(result.code).toBe(0);
    expect(requests().every((r) => r.startsWith('GET'))).toBe(true);
  });

  it('uses HUBSPOT_API_BASE_URL when it is set', async () => {
    everythingInPlace('http://127.0.0.1:4010');
    const result = await setup([], { ...ENV, HUBSPOT_API_BASE_URL: 'http://127.0.0.1:4010/' });
    expect(result.code).toBe(0);
    expect(calls).toHaveLength(8);
  });
});

describe('hubspot setup: errors', () => {
  it('a 403 for a missing scope stops with exit 1 and says which scope to add where', async () => {
    hubspot().get('/crm/properties/2026-09/contacts/groups', 403, {
      status: 'error',
      message: "This app hasn't been granted all required scopes to make this call.",
      correlationId: '3e3a1c5a-0000-4000-8000-000000000000',
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.schemas.contacts.read'] } }],
      category: 'MISSING_SCOPES',
    });
    const result = await setup();
    expect(result.code).toBe(1);
    expect(calls).toHaveLength(1);
    expect(result.err).toContain('HubSpot error while reading the contacts property groups: the app lacks a scope this needs');
    expect(result.err).toContain("HubSpot said 403 MISSING_SCOPES: This app hasn't been granted all required scopes to make this call.");
    expect(result.err).toContain('hubspot-app/src/app/app-hsmeta.json');
    expect(result.err).toContain('safe to run again');
  });

  it('a 403 on the custom object schemas explains the Enterprise requirement, after the properties are done', async () => {
    const api = hubspot();
    for (const o of RECORD_TYPES) {
      api.get(`/crm/properties/2026-09/${o}/groups`, 200, { results: [{ name: 'ob_billing_outcome', label: 'Billing outcome' }] });
      api.get(`/crm/properties/2026-09/${o}`, 200, { results: defs.billing.properties.map((p) => asHubSpot(p, 'ob_billing_outcome')) });
    }
    api.get('/crm-object-schemas/2026-09/schemas', 403, { status: 'error', message: 'This portal does not have access to custom objects', category: 'FORBIDDEN' });
    const result = await setup();
    expect(result.code).toBe(1);
    expect(result.outLines).toContain('unchanged property tickets.ob_status');
    expect(result.err).toContain('HubSpot error while reading the custom object schemas');
    expect(result.err).toContain('Custom objects need a HubSpot Enterprise subscription');
  });

  it('without HUBSPOT_ACCESS_TOKEN it sends nothing and exits 1', async () => {
    const result = await setup([], {});
    expect(result.code).toBe(1);
    expect(calls).toEqual([]);
    expect(result.err).toContain('HUBSPOT_ACCESS_TOKEN is not set');
  });

  it('refuses a plain-http HUBSPOT_API_BASE_URL other than localhost', async () => {
    const result = await setup([], { ...ENV, HUBSPOT_API_BASE_URL: 'http://hubspot.example.com' });
    expect(result.code).toBe(1);
    expect(result.err).toContain('HUBSPOT_API_BASE_URL');
  });

  it('an unknown option is a usage error', async () => {
    await expect(hubspotCommand(['setup', '--force'], { out: () => {}, err: () => {} }, ENV)).rejects.toThrow(/force/);
  });
});
