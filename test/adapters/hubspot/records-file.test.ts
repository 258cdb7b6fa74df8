// The records file of `simulate --records`: parsing and every problem at its place.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRecordsText } from '../../../src/adapters/hubspot/records-file.ts';
import { shown } from './webhook-fixtures.ts';

describe('parseRecordsText', () => {
  it('reads the example records file', () => {
    const text = readFileSync(new URL('../../../../shared/examples/ticket-resolved/records.json', import.meta.url), 'utf8');
    const result = parseRecordsText(text, 'records.json');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.records).toHaveLength(4);
    expect(result.records[0]).toEqual({ objectType: 'ticket', id: '11', properties: new Map([['subject', 'Ticket 11'], ['hs_pipeline_stage', '1']]) });
  });

  it('turns numbers, booleans and null into strings, and a numeric id into its decimal string', () => {
    const result = parseRecordsText(
      JSON.stringify([
        { objectType: 'deal', id: 7, properties: { amount: 12.5, count: 3, closed: true, open: false, owner: null, name: 'x' } },
        { objectType: 'contact', id: '007' },
      ]),
      'records.json',
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.records).toEqual([
      { objectType: 'deal', id: '7', properties: new Map([['amount', '12.5'], ['count', '3'], ['closed', 'true'], ['open', 'false'], ['owner', ''], ['name', 'x']]) },
      { objectType: 'contact', id: '7', properties: new Map() },
    ]);
  });

  it('lists every problem with its path', () => {
    const result = parseRecordsText(
      JSON.stringify([
        { objectType: 'contact', id: '1', properties: {} },
        { objectType: 'company', id: '2', properties: {} },
        { objectType: 'deal', properties: { a: [1], b: { c: 1 } }, colour: 'red' },
        { objectType: 'contact', id: 1, properties: {} },
        { objectType: 'ticket', id: 'abc', properties: 'none' },
        'not a record',
      ]),
      'records.json',
    );
    expect(shown(result)).toEqual([
      { path: 'records[1].objectType', message: 'expected contact, deal or ticket' },
      { path: 'records[2].id', message: 'is required' },
      { path: 'records[2].properties.a', message: 'expected a string, number, boolean or null' },
      { path: 'records[2].properties.b', message: 'expected a string, number, boolean or null' },
      { path: 'records[2].colour', message: 'is not a known field' },
      { path: 'records[3].id', message: 'contact 1 is already in records[0]' },
      { path: 'records[4].id', message: 'expected a HubSpot id: a whole number, or a string of digits' },
      { path: 'records[4].properties', message: 'expected an object of property name to value' },
      { path: 'records[5]', message: 'expected a record object { objectType, id, properties }' },
    ]);
  });

  it.each<[string, string, { path: string; message: RegExp }]>([
    ['a syntax error', '[\n {"objectType": "contact",\n  "id": "1" "properties": {}}\n]', { path: 'records.json', message: /^invalid JSON at line 3, column 13: expected ',' or a closing bracket$/ }],
    ['a non-array', '{"objectType": "contact"}', { path: 'records', message: /expected a JSON array/ }],
    ['an empty file', '', { path: 'records.json', message: /is empty/ }],
  ])('reports %s', (_name, text, expected) => {
    const result = parseRecordsText(text, 'records.json');
    expect(shown(result)).toEqual([{ path: expected.path, message: expect.stringMatching(expected.message) }]);
  });
});
