// The verification log read back from HubSpot (the objects list endpoint, paged by its cursor) and archived by id: reconcile's HubSpot port.
import { z } from 'zod';
import { MAX_BATCH_INPUTS } from '../../app/hubspot-ports.ts';
import type { VerificationLogApi } from '../../app/reconcile-ports.ts';
import { readBody, versionedPath } from './client.ts';
import type { HubSpotRequest } from './client.ts';

/** HubSpot's largest page for the list endpoint. */
export const LIST_PAGE_SIZE = 100;

const idText = z.union([z.string(), z.number()]).transform(String);

const listAnswer = z.looseObject({
  results: z.array(z.looseObject({ id: idText, properties: z.record(z.string(), z.string().nullable()).nullish() })),
  paging: z.looseObject({ next: z.looseObject({ after: idText }).nullish() }).nullish(),
});

export function createVerificationLogApi(request: HubSpotRequest): VerificationLogApi {
  return {
    async listPage(objectType, properties, after) {
      const query = new URLSearchParams({ limit: String(LIST_PAGE_SIZE), properties: properties.join(','), archived: 'false' });
      if (after !== null) query.set('after', after);
      const path = `${versionedPath('crm/objects', objectType)}?${query}`;
      const response = await request('GET', path);
      const answer = readBody(response, listAnswer, 'GET', path);
      return {
        status: response.status,
        results: answer.results.map((r) => ({ id: r.id, properties: Object.fromEntries(Object.entries(r.properties ?? {}).map(([k, v]) => [k, v ?? ''])) })),
        after: answer.paging?.next?.after ?? null,
      };
    },
    async archive(objectType, ids) {
      if (ids.length < 1 || ids.length > MAX_BATCH_INPUTS) throw new RangeError(`a HubSpot batch call takes 1 to ${MAX_BATCH_INPUTS} inputs, not ${ids.length}`);
      const response = await request('POST', versionedPath('crm/objects', objectType, 'batch', 'archive'), { inputs: ids.map((id) => ({ id })) });
      return { status: response.status };
    },
  };
}
