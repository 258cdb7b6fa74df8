// Outcome ids (cli.md): `criteriaId:objectType:recordId:bucket#n`, and the record a dispute finds through its id.
import { describe, expect, it } from 'vitest';
import { recordOfOutcomeId } from '../../../src/core/engine/input.ts';
import { outcomeIdOf } from '../../../src/core/engine/outcome.ts';

describe('outcome ids', () => {
  it('an id is the idempotency key and the sequence number', () => {
    expect(outcomeIdOf('resolve:ticket:1:2026-11-03', 2)).toBe('resolve:ticket:1:2026-11-03#2');
  });

  it.each([
    { id: 'resolve:ticket:1:2026-11-03#1', record: { objectType: 'ticket', recordId: '1' } },
    { id: 'enrich-route-2:contact:90412:2026-W45#12', record: { objectType: 'contact', recordId: '90412' } },
    { id: 'resolve:deal:77:all#3', record: { objectType: 'deal', recordId: '77' } },
    { id: 'resolve:ticket:1:2026-11-03T10#1', record: { objectType: 'ticket', recordId: '1' } },
  ])('$id belongs to $record.objectType $record.recordId', ({ id, record }) => {
    expect(recordOfOutcomeId(id)).toEqual(record);
  });

  it.each([
    'resolve:ticket:1:2026-11-03',
    'resolve:ticket:1:2026-11-03#0',
    'resolve:ticket:1:2026-11-03#01',
    'resolve:ticket:1:2026-11-03#1x',
    'resolve:ticket:1:2026-11-03#',
    'Resolve:ticket:1:2026-11-03#1',
    'resolve:Ticket:1:2026-11-03#1',
    'resolve:ticket::2026-11-03#1',
    'resolve:ticket:1:#1',
    'resolve:ticket:1:2:2026-11-03#1',
    'x resolve:ticket:1:2026-11-03#1',
    'resolve:ticket:1#1:2026-11-03#1',
    '',
  ])('%s is not an outcome id', (id) => {
    expect(recordOfOutcomeId(id)).toBeNull();
  });
});
