// The CRM port (app/hubspot-ports.ts) on HubSpot's date-versioned batch APIs: answers checked with zod, 207 answers split per input.
import { z } from 'zod';
import { MAX_BATCH_INPUTS, associationKey } from '../../app/hubspot-ports.ts';
import type { BatchInputError, CrmApi, UpsertResult } from '../../app/hubspot-ports.ts';
import { readBody, versionedPath } from './client.ts';
import type { HubSpotRequest } from './client.ts';

// ---------------------------------------------------------------------------------------------
// What HubSpot answers (only the fields read here; everything else passes through)
// ---------------------------------------------------------------------------------------------

// Ids are strings in HubSpot's answers; a number is read as its text rather than refused.
const idText = z.union([z.string(), z.number()]).transform(String);

const batchError = z.looseObject({
  status: z.string().nullish(),
  category: z.string().nullish(),
  message: z.string().nullish(),
  // `{ ids: [...] }`, `{ objectWriteTraceId: [...] }`; anything else is kept out of the attribution.
  context: z.record(z.string(), z.unknown()).nullish(),
  errors: z.array(z.looseObject({ message: z.string().nullish() })).nullish(),
});
type RawBatchError = z.infer<typeof batchError>;

const batchAnswer = <T extends z.ZodType>(result: T) =>
  z.looseObject({
    status: z.string().nullish(),
    results: z.array(result),
    errors: z.array(batchError).nullish(),
  });

const objectResult = z.looseObject({
  id: idText,
  properties: z.record(z.string(), z.string().nullable()).nullish(),
  objectWriteTraceId: z.string().nullish(),
  new: z.boolean().nullish(),
});

const associationResult = z.looseObject({ from: z.looseObject({ id: idText }), to: z.looseObject({ id: idText }) });

// ---------------------------------------------------------------------------------------------

export function createCrmApi(request: HubSpotRequest): CrmApi {
  async function post<T extends z.ZodType>(path: string, body: unknown, result: T) {
    const response = await request('POST', path, body);
    // The status is kept: a 207 is worth reporting, though the body alone says which inputs failed.
    return { status: response.status, answer: readBody(response, batchAnswer(result), 'POST', path) };
  }

  return {
    async batchRead(objectType, ids, properties) {
      checkSize(ids.length);
      const path = versionedPath('crm/objects', objectType, 'batch', 'read');
      const { status, answer } = await post(path, { inputs: ids.map((id) => ({ id })), properties: [...properties] }, objectResult);
      const results = new Map(answer.results.map((r) => [r.id, r.properties ?? {}] as const));
      return { status, results, ...attribute(answer.errors ?? [], ['ids']) };
    },

    async batchUpdate(objectType, inputs) {
      checkSize(inputs.length);
      const path = versionedPath('crm/objects', objectType, 'batch', 'update');
      // The trace id lets a 207 name the failed input; the record id is already unique in the call.
      const body = { inputs: inputs.map((i) => ({ id: i.id, objectWriteTraceId: i.id, properties: i.properties })) };
      const { status, answer } = await post(path, body, objectResult);
      const results = new Map(answer.results.map((r) => [r.objectWriteTraceId ?? r.id, { id: r.id }] as const));
      return { status, results, ...attribute(answer.errors ?? [], ['objectWriteTraceId', 'ids']) };
    },

    async batchUpsert(objectType, idProperty, inputs) {
      checkSize(inputs.length);
      const path = versionedPath('crm/objects', objectType, 'batch', 'upsert');
      const body = { inputs: inputs.map((i) => ({ id: i.id, idProperty, objectWriteTraceId: i.id, properties: i.properties })) };
      const { status, answer } = await post(path, body, objectResult);
      const results = new Map<string, UpsertResult>();
      for (const r of answer.results) {
        // The result's id is HubSpot's record id; the input is found by its trace id, else by the unique value.
        const key = r.objectWriteTraceId ?? r.properties?.[idProperty] ?? null;
        if (key !== null) results.set(key, { id: r.id, created: r.new === true });
      }
      return { status, results, ...attribute(answer.errors ?? [], ['objectWriteTraceId', 'ids']) };
    },

    async associateDefault(fromObjectType, toObjectType, pairs) {
      checkSize(pairs.length);
      const path = versionedPath('crm/associations', fromObjectType, toObjectType, 'batch', 'associate', 'default');
      const body = { inputs: pairs.map((p) => ({ from: { id: p.from }, to: { id: p.to } })) };
      const { status, answer } = await post(path, body, associationResult);
      const results = new Map(answer.results.map((r) => [associationKey({ from: r.from.id, to: r.to.id }), true as const] as const));
      return { status, results, ...attribute(answer.errors ?? [], []) };
    },
  };
}

function checkSize(n: number): void {
  if (n < 1 || n > MAX_BATCH_INPUTS) throw new RangeError(`a HubSpot batch call takes 1 to ${MAX_BATCH_INPUTS} inputs, not ${n}`);
}

/** Ties each error to the inputs its context names, trying the context keys in order. */
function attribute(raw: readonly RawBatchError[], contextKeys: readonly string[]): { errors: Map<string, BatchInputError>; unattributed: BatchInputError[] } {
  const errors = new Map<string, BatchInputError>();
  const unattributed: BatchInputError[] = [];
  for (const e of raw) {
    const error: BatchInputError = {
      category: e.category ?? null,
      message: e.message ?? 'no message',
      details: (e.errors ?? []).flatMap((d) => (typeof d.message === 'string' && d.message !== '' ? [d.message] : [])),
    };
    const keys = contextKeys.map((k) => texts(e.context?.[k])).find((list) => list.length > 0) ?? [];
    if (keys.length === 0) unattributed.push(error);
    for (const k of keys) errors.set(k, error);
  }
  return { errors, unattributed };
}

function texts(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap((x) => (typeof x === 'string' || typeof x === 'number' ? [String(x)] : []));
  return [];
}
