// Test support: a nock HubSpot that keeps verification-log records as HubSpot would (upsert by outcome id, list pages with a cursor, archive), so a test can let it drift and see reconcile find and repair it.
import nock from 'nock';

export const LOG_BASE = 'https://api.hubapi.com';
export const LOG_TOKEN = 'pat-na1-reconcile-test-token';

export interface Call {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are JSON the test inspects freely
  readonly body: any;
}

type Answer = readonly [number, string, Record<string, string>];

/**
 * The log object of portal `portalId`: records by HubSpot id (from 7001). Lists answer `pageSize` records
 * a page whatever `limit` asks (HubSpot may answer fewer), with an opaque cursor. Record updates and
 * default associations succeed. `failNext` queues one-off answers (a 429, a 500) for the next calls.
 */
export function verificationLogDouble(portalId: number, pageSize = 2) {
  const type = `p${portalId}_ob_verification_log`;
  const logs = new Map<string, Record<string, string>>();
  const calls: Call[] = [];
  const failures: Answer[] = [];
  let nextId = 7001;
  const json = (status: number, body: unknown): Answer => [status, body === undefined ? '' : JSON.stringify(body), { 'content-type': 'application/json' }];

  function answer(call: Call): Answer {
    const failure = failures.shift();
    if (failure) return failure;
    const listPath = `/crm/objects/2026-09/${type}`;
    if (call.method === 'GET' && call.path === listPath) {
      const wanted = (call.query.get('properties') ?? '').split(',');
      const ids = [...logs.keys()].sort((a, b) => Number(a) - Number(b));
      const start = call.query.has('after') ? ids.indexOf(Buffer.from(call.query.get('after')!, 'base64url').toString()) + 1 : 0;
      const page = ids.slice(start, start + pageSize);
      const results = page.map((id) => ({ id, properties: Object.fromEntries(wanted.map((p) => [p, logs.get(id)![p] ?? null])), archived: false }));
      const last = page.at(-1);
      const more = last !== undefined && ids.indexOf(last) < ids.length - 1;
      return json(200, { results, ...(more ? { paging: { next: { after: Buffer.from(last).toString('base64url'), link: '?after=...' } } } : {}) });
    }
    const inputs = (call.body?.inputs ?? []) as { id: string; properties?: Record<string, string> }[];
    if (call.path === `${listPath}/batch/upsert`) {
      const results = inputs.map((i) => {
        let id = [...logs.entries()].find(([, p]) => p.ob_outcome_id === i.id)?.[0];
        const created = id === undefined;
        id ??= String(nextId++);
        logs.set(id, { ...(logs.get(id) ?? {}), ...i.properties, ob_outcome_id: i.id });
        return { id, new: created, properties: i.properties, objectWriteTraceId: i.id };
      });
      return json(200, { status: 'COMPLETE', results });
    }
    if (call.path === `${listPath}/batch/archive`) {
      for (const i of inputs) logs.delete(i.id);
      return json(204, undefined);
    }
    if (call.path.endsWith('/batch/update')) return json(200, { status: 'COMPLETE', results: inputs.map((i) => ({ id: i.id, objectWriteTraceId: i.id, properties: i.properties })) });
    if (call.path.endsWith('/batch/associate/default')) {
      const pairs = inputs as unknown as { from: { id: string }; to: { id: string } }[];
      return json(200, { status: 'COMPLETE', results: pairs.map((p) => ({ from: p.from, to: p.to })) });
    }
    return json(404, { status: 'error', category: 'OBJECT_NOT_FOUND', message: `the double does not know ${call.method} ${call.path}` });
  }

  const reply = async (request: Request) => {
    const url = new URL(request.url);
    const text = await request.text();
    const call: Call = { method: request.method, path: url.pathname, query: url.searchParams, body: text === '' ? undefined : JSON.parse(text) };
    calls.push(call);
    return answer(call);
  };
  const scope = nock(LOG_BASE, { reqheaders: { authorization: `Bearer ${LOG_TOKEN}` } }).persist();
  scope.get(/.*/).reply(reply);
  scope.post(/.*/).reply(reply);

  return {
    type,
    logs,
    calls,
    /** The next calls get these answers first, one each. */
    failNext(...answers: { status: number; body?: unknown; headers?: Record<string, string> }[]) {
      for (const a of answers) failures.push([a.status, JSON.stringify(a.body ?? {}), { 'content-type': 'application/json', ...a.headers }]);
    },
    /** The HubSpot id of an outcome's log, if any. */
    idOf: (outcomeId: string) => [...logs.entries()].find(([, p]) => p.ob_outcome_id === outcomeId)?.[0],
    /** Adds a log record as if someone or something else had written it. */
    plant(properties: Record<string, string>) {
      const id = String(nextId++);
      logs.set(id, properties);
      return id;
    },
  };
}
