// Publishing criteria versions (issue 8, items 4 and 7): the rules, one registry with the files, and distinct numbers under concurrency (real Redis).
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createCriteriaRegistry } from '../../src/adapters/redis/criteria-registry.ts';
import { createPublishedCriteriaStore } from '../../src/adapters/redis/published-criteria.ts';
import { checkDraft, publishCriteria } from '../../src/app/criteria-publish.ts';
import type { PublishDeps } from '../../src/app/criteria-publish.ts';
import { loadCriteriaSource } from '../../src/app/criteria-source.ts';
import type { CriteriaLoad } from '../../src/app/criteria-source.ts';
import { combine, registryLoader } from '../../src/app/published-criteria.ts';
import type { WebhooksComponent } from '../../src/app/hubspot-subscriptions.ts';
import type { SourcedVersion } from '../../src/core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../src/core/criteria/parse-file.ts';
import { formatProblem } from '../../src/core/problems.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { BASE_CRITERIA } from '../support/scenario.ts';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const EDITOR = { userId: 7, email: 'ed@example.com' };

function fileVersions(source: string, ...docs: Record<string, unknown>[]): SourcedVersion[] {
  const parsed = parseCriteriaText(stringify({ criteria: docs.map((d) => ({ ...BASE_CRITERIA, ...d })) }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.versions.map((v) => ({ ...v, source }));
}

/** A draft as the editor sends it: the latest's fields without the publish fields. */
function draft(overrides: Record<string, unknown> = {}): string {
  const d: Record<string, unknown> = { ...BASE_CRITERIA, ...overrides };
  for (const k of ['version', 'effective_from', 'change_notes']) if (!(k in overrides)) delete d[k];
  for (const k of Object.keys(d)) if (d[k] === undefined) delete d[k];
  return stringify(d);
}

const subscribedTo = (...properties: string[]): WebhooksComponent => ({
  uid: 'w',
  type: 'webhooks',
  config: {
    settings: { targetUrl: 'https://x/webhooks/hubspot', maxConcurrentRequests: 10 },
    subscriptions: { crmObjects: properties.map((p) => ({ subscriptionType: 'object.propertyChange', objectType: 'ticket', propertyName: p, active: true })) },
  },
});

let redis: Redis;
let other: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  redis = connect();
  other = connect();
});
afterAll(async () => {
  for (const p of prefixes) await deletePrefix(redis, p);
  await Promise.all([redis.quit(), other.quit()]);
});

function deps(files: SourcedVersion[], over: Partial<PublishDeps> = {}, connection: Redis = redis, prefix = testPrefix('publish')): PublishDeps {
  prefixes.push(prefix);
  return {
    store: createPublishedCriteriaStore(connection, prefix),
    fileVersions: () => files,
    editors: new Set([EDITOR.userId]),
    subscriptions: async () => subscribedTo('agent_started_at', 'stage'),
    clock: () => NOW,
    ...over,
  };
}

const problemLines = (r: { kind: string; problems?: readonly { path: readonly (string | number)[]; message: string; code: string }[] }) =>
  (r.problems ?? []).map((p) => formatProblem(p as Parameters<typeof formatProblem>[0]));

describe('publishing a criteria version', () => {
  it('gives the next number after the files, takes effect now by default, and keeps who published it', async () => {
    const d = deps(fileVersions('criteria/resolve.yaml', {}));
    const r = await publishCriteria(d, { text: draft({ within: '2h' }), changeNotes: 'two hours: agents need longer' }, EDITOR);
    expect(r.kind).toBe('ok');
    const all = await d.store.readAll();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: 'resolve', version: 2, effectiveFrom: NOW, changeNotes: 'two hours: agents need longer', publishedBy: EDITOR, publishedAt: NOW });
    expect(all[0]!.text).toMatch(/^version: 2$/m);
    expect(all[0]!.text).toMatch(/^effective_from: 2026-12-03T10:00:00.000Z$/m);
    const second = await publishCriteria(d, { text: draft({ within: '3h' }), changeNotes: 'three', effectiveFrom: '2026-12-04T00:00:00Z' }, EDITOR);
    expect(second.kind === 'ok' && second.version.version).toBe(3);
  });

  it('reads a bare date as midnight in the draft\'s time zone', async () => {
    const d = deps(fileVersions('criteria/resolve.yaml', {}));
    const r = await checkDraft(d, { text: draft({ timezone: 'Europe/Berlin' }), changeNotes: 'n', effectiveFrom: '2026-12-24' }, EDITOR);
    expect(r.kind === 'ok' && r.version.effectiveFrom).toBe(Date.parse('2026-12-23T23:00:00Z'));
  });

  it('refuses an effective time in the past and missing change notes, at their fields', async () => {
    const d = deps(fileVersions('criteria/resolve.yaml', {}));
    const r = await publishCriteria(d, { text: draft({ within: '2h' }), changeNotes: '  ', effectiveFrom: '2026-12-03T09:59:59Z' }, EDITOR);
    expect(r.kind).toBe('invalid');
    expect(problemLines(r as never)).toEqual([
      'change_notes: are required to publish: say what changed and why',
      'effective_from: 2026-12-03T09:59:59.000Z is in the past: a published version takes effect now or later (leave it out for now)',
    ]);
    expect(await d.store.readAll()).toEqual([]);
  });

  it('shows the parser\'s problems with their path and column, as validate prints them', async () => {
    const d = deps([]);
    const r = await checkDraft(d, { text: draft({ success: "stage = 'closed' AND", within: '0' }), changeNotes: 'x' }, EDITOR);
    expect(problemLines(r as never)).toEqual(['success: expected a value after AND at column 21', 'within: must be more than 0']);
  });

  it('refuses a draft naming a version a file holds, naming both sources', async () => {
    const d = deps(fileVersions('criteria/resolve.yaml', {}, { version: 2, change_notes: 'b', effective_from: '2026-06-01T00:00:00Z' }));
    const r = await publishCriteria(d, { text: draft({ version: 2 }), changeNotes: 'mine' }, EDITOR);
    expect(r).toEqual({
      kind: 'conflict',
      message: 'resolve@2 is already defined in criteria/resolve.yaml, so this draft cannot be it; the next version of resolve is v3',
      sources: ['criteria/resolve.yaml', 'this draft'],
    });
  });

  it('refuses a user who is not a criteria editor, storing nothing', async () => {
    const d = deps([]);
    const r = await publishCriteria(d, { text: draft(), changeNotes: 'new' }, { userId: 99, email: null });
    expect(r).toEqual({ kind: 'forbidden', message: expect.stringMatching(/^user 99 is not one of this portal's criteria editors \(CRITERIA_EDITORS\)/) });
    expect(await d.store.readAll()).toEqual([]);
  });

  it('names the properties the webhook subscriptions do not cover', async () => {
    const d = deps([], { subscriptions: async () => subscribedTo('agent_started_at') });
    const r = await checkDraft(d, { text: draft({ success: "stage = 'closed' AND priority = 'HIGH'" }), changeNotes: 'n' }, EDITOR);
    expect(r.kind === 'ok' && r.uncovered).toEqual([{ object: 'ticket', property: 'priority' }, { object: 'ticket', property: 'stage' }]);
  });

  it('gives two concurrent publishes of one id distinct numbers (two connections, as two processes)', async () => {
    const prefix = testPrefix('publish-race');
    const files = fileVersions('criteria/resolve.yaml', {});
    // Every check reads a later clock, as real time moves on: effective now, so a later number is a later instant.
    let t = NOW;
    const clock = () => (t += 1_000);
    const one = deps(files, { clock }, redis, prefix);
    const two = deps(files, { clock }, other, prefix);
    const results = await Promise.all([
      ...[1, 2, 3].map((i) => publishCriteria(one, { text: draft(), changeNotes: `one ${i}` }, EDITOR)),
      ...[1, 2, 3].map((i) => publishCriteria(two, { text: draft(), changeNotes: `two ${i}` }, EDITOR)),
    ]);
    const numbers = results.map((r) => (r.kind === 'ok' ? r.version.version : r.kind)).sort();
    expect(numbers).toEqual([2, 3, 4, 5, 6, 7]);
    expect((await one.store.readAll()).map((p) => p.version)).toEqual([2, 3, 4, 5, 6, 7]);
  });
});

describe('one registry of files and published versions', () => {
  it('refuses a file that adds a version already published, naming both sources', async () => {
    const d = deps(fileVersions('criteria/resolve.yaml', {}));
    await publishCriteria(d, { text: draft({ within: '2h' }), changeNotes: 'two hours' }, EDITOR);
    const withFile = combine(fileVersions('criteria/resolve.yaml', {}, { version: 2, change_notes: 'x', effective_from: '2027-01-01T00:00:00Z' }), await d.store.readAll());
    expect(withFile.ok).toBe(false);
    const text = (withFile as Extract<CriteriaLoad, { ok: false }>).problems.join('\n');
    expect(text).toMatch(/criteria\/resolve\.yaml/);
    expect(text).toMatch(/HubSpot \(resolve@2 published by user 7 at 2026-12-03T10:00:00\.000Z\)/);
  });

  it('a running source picks a published version up when the revision moves, files not read again', async () => {
    const prefix = testPrefix('publish-refresh');
    const d = deps(fileVersions('criteria/resolve.yaml', {}), {}, redis, prefix);
    const store = createPublishedCriteriaStore(redis, prefix);
    let fileReads = 0;
    const load = registryLoader(async () => {
      fileReads++;
      return { ok: true, versions: d.fileVersions() };
    }, store);
    const source = await loadCriteriaSource(load, NOW, createCriteriaRegistry(redis, prefix), store.revision);
    expect(await source.refresh(NOW)).toBeNull();
    await publishCriteria(d, { text: draft({ within: '2h' }), changeNotes: 'two hours' }, EDITOR);
    // Later than the effective time: the version was known to the ledger from the moment it was stored.
    expect(await source.refresh(NOW + 5_000)).toEqual({ ok: true, added: ['resolve@2'] });
    expect(source.current().inForce('resolve', NOW)?.withinMs).toBe(7_200_000);
    expect(source.current().inForce('resolve', NOW - 1)?.version).toBe(1);
    expect(fileReads).toBe(1);
  });
});
