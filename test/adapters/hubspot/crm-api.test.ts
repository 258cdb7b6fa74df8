// The typed CRM batch calls: date-based paths and bodies, 207 answers split per input, answers checked before use.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotRequest } from '../../../src/adapters/hubspot/client.ts';
import { HubSpotUnexpectedResponseError } from '../../../src/app/hubspot-errors.ts';
import { createCrmApi } from '../../../src/adapters/hubspot/crm-api.ts';
import { MAX_BATCH_INPUTS, verificationLogObjectType } from '../../../src/app/hubspot-ports.ts';
import { HUBSPOT_TOKEN, hubspotDouble } from '../../support/hubspot-double.ts';

const api = createCrmApi(createHubSpotRequest({ accessToken: HUBSPOT_TOKEN }));
let hubspot: ReturnType<typeof hubspotDouble>;

beforeEach(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  hubspot = hubspotDouble();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('CRM batch calls', () => {
  it('addresses the verification log by its fully qualified name', () => {
    expect(verificationLogObjectType(4242)).toBe('p4242_ob_verification_log');
  });

  it('splits a 207 per input: named by trace id, by id, or not at all', async () => {
    hubspot.next(() => ({
      status: 207,
      body: {
        status: 'COMPLETE',
        results: [{ id: '9001', new: true, objectWriteTraceId: 'o#1', properties: { ob_outcome_id: 'o#1' } }, { id: '9002', new: false, properties: { ob_outcome_id: 'o#2' } }],
        numErrors: 3,
        errors: [
          { status: 'error', category: 'VALIDATION_ERROR', message: 'bad value', context: { objectWriteTraceId: ['o#3'] }, errors: [{ message: 'ob_tries: not a number' }] },
          { status: 'error', category: 'OBJECT_NOT_FOUND', message: 'gone', context: { ids: ['o#4'] } },
          { status: 'error', category: 'INTERNAL_ERROR', message: 'something broke' },
        ],
      },
    }));
    const inputs = ['o#1', 'o#2', 'o#3', 'o#4', 'o#5'].map((id) => ({ id, properties: { ob_outcome_id: id } }));
    const result = await api.batchUpsert('p1_ob_verification_log', 'ob_outcome_id', inputs);
    expect(hubspot.calls[0]).toEqual({
      method: 'POST',
      path: '/crm/objects/2026-09/p1_ob_verification_log/batch/upsert',
      body: { inputs: inputs.map((i) => ({ id: i.id, idProperty: 'ob_outcome_id', objectWriteTraceId: i.id, properties: i.properties })) },
    });
    expect(result.status).toBe(207);
    expect([...result.results]).toEqual([
      ['o#1', { id: '9001', created: true }],
      ['o#2', { id: '9002', created: false }],
    ]);
    expect([...result.errors]).toEqual([
      ['o#3', { category: 'VALIDATION_ERROR', message: 'bad value', details: ['ob_tries: not a number'] }],
      ['o#4', { category: 'OBJECT_NOT_FOUND', message: 'gone', details: [] }],
    ]);
    expect(result.unattributed).toEqual([{ category: 'INTERNAL_ERROR', message: 'something broke', details: [] }]);
  });

  it('refuses an answer it cannot read, naming what is wrong, rather than guess', async () => {
    hubspot.next(() => ({ status: 200, body: { status: 'COMPLETE', results: 'not a list' } }));
    await expect(api.batchUpdate('contacts', [{ id: '1', properties: { ob_status: 'open' } }])).rejects.toBeInstanceOf(HubSpotUnexpectedResponseError);
  });

  it('never sends an empty batch or more than 100 inputs', async () => {
    const many = Array.from({ length: MAX_BATCH_INPUTS + 1 }, (_, i) => String(i));
    await expect(api.batchRead('tickets', many, ['stage'])).rejects.toBeInstanceOf(RangeError);
    await expect(api.batchRead('tickets', [], ['stage'])).rejects.toBeInstanceOf(RangeError);
    expect(hubspot.calls).toEqual([]);
  });
});
