// The recorded-events file of `simulate --events`: parsing and every problem at its place.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEventsText } from '../../../src/adapters/hubspot/events-file.ts';
import { toSignals } from '../../../src/adapters/hubspot/webhook-signals.ts';
import { formatPath } from '../../../src/core/problems.ts';
import { shown, EXAMPLE, raw, ok } from './webhook-fixtures.ts';

describe('parseEventsText', () => {
  const e1 = raw({ subscriptionType: 'contact.creation', objectId: 1 });
  const e2 = raw({ subscriptionType: 'contact.creation', objectId: 2 });
  const e3 = raw({ subscriptionType: 'contact.creation', objectId: 3 });

  it.each<[string, string, 'json' | 'jsonl', string[]]>([
    ['a JSON array', JSON.stringify([e1, e2, e3], null, 1), 'json', ['events[0]', 'events[1]', 'events[2]']],
    ['concatenated delivery batches', JSON.stringify([[e1, e2], e3, []]), 'json', ['events[0][0]', 'events[0][1]', 'events[1]']],
    ['JSON Lines of events', `${JSON.stringify(e1)}\n\n${JSON.stringify(e2)}\r\n${JSON.stringify(e3)}\n`, 'jsonl', ['line 1', 'line 3', 'line 4']],
    ['JSON Lines of batches', `${JSON.stringify([e1, e2])}\n${JSON.stringify(e3)}`, 'jsonl', ['line 1[0]', 'line 1[1]', 'line 2']],
    ['one JSON Lines event', JSON.stringify(e1) + '\n', 'jsonl', ['line 1']],
    ['a byte order mark', `\uFEFF${JSON.stringify([e1])}`, 'json', ['events[0]']],
  ])('reads %s', (_name, text, format, locations) => {
    const result = parseEventsText(text, 'events.json');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.format).toBe(format);
    expect(result.locations.map((l) => formatPath(l))).toEqual(locations);
    expect(result.events.map((e) => e.objectId)).toEqual(['1', '2', '3'].slice(0, locations.length));
  });

  it('reads the example file', () => {
    const result = parseEventsText(readFileSync(EXAMPLE, 'utf8'), 'events.json');
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.events).toHaveLength(11);
    expect(ok(toSignals(result.events, { locations: result.locations })).signals).toHaveLength(11);
  });

  it.each<[string, string, { path: string; message: string | RegExp }[]]>([
    ['a missing comma in a JSON array', '[\n  {"eventId": 1}\n  {"eventId": 2}\n]', [{ path: 'events.json', message: /^invalid JSON at line 3, column 3: expected ',' or a closing bracket$/ }]],
    ['an unquoted value', '[\n {"a": x}\n]', [{ path: 'events.json', message: /^invalid JSON at line 2, column 8: unexpected character$/ }]],
    ['a truncated file', '[\n {"a": 1},\n', [{ path: 'events.json', message: /^invalid JSON at line 3, column 1: expected a value$/ }]],
    ['a trailing comma', '[{"a": 1},]', [{ path: 'events.json', message: /^invalid JSON at line 1, column 11: expected a value$/ }]],
    ['broken JSON Lines, each line listed', `${JSON.stringify(e1)}\n{"eventId": \n${JSON.stringify(e2)}\n[1,,2]`, [
      { path: 'events.json', message: /^invalid JSON at line 2, column 13: expected/ },
      { path: 'events.json', message: /^invalid JSON at line 4, column 4: / },
    ]],
    ['an empty file', ' \n', [{ path: 'events.json', message: /is empty/ }]],
    ['a pretty-printed single object', '{\n "eventId": 1\n}', [{ path: 'events.json', message: /expected a JSON array/ }]],
  ])('reports %s', (_name, text, expected) => {
    const result = parseEventsText(text, 'events.json');
    expect(result.ok).toBe(false);
    const problems = shown(result) || [];
    expect(problems).toHaveLength(expected.length);
    expected.forEach((e, k) => {
      expect(problems[k]?.path).toBe(e.path);
      expect(problems[k]?.message).toMatch(e.message);
    });
  });

  it('lists every problem of every event, with paths, and returns no events', () => {
    const text = JSON.stringify([
      e1,
      { ...e2, occurredAt: '2026-11-03', portalId: 'x' },
      [e3, { ...e3, subscriptionType: 'contact.propertyChange', objectId: 'abc' }],
      42,
      [[e1]],
    ]);
    const result = parseEventsText(text, 'events.json');
    expect(result.ok).toBe(false);
    expect(shown(result)).toEqual([
      { path: 'events[1].portalId', message: 'expected an integer portal id' },
      { path: 'events[1].occurredAt', message: 'expected epoch milliseconds as an integer' },
      { path: 'events[2][1].objectId', message: 'expected a HubSpot id: a whole number, or a string of digits' },
      { path: 'events[2][1].propertyName', message: 'is required for contact.propertyChange' },
      { path: 'events[3]', message: 'expected an event object or a batch array' },
      { path: 'events[4][0]', message: 'expected an event object' },
    ]);
    // A field that is missing is told from one that is wrong, so a screen can say "fill in" rather than "fix".
    expect(result.ok ? [] : result.problems.map((p) => p.code)).toEqual(['invalid_type', 'invalid_type', 'invalid_value', 'required', 'invalid_type', 'invalid_type']);
  });

  it('names JSON Lines problems by line', () => {
    const text = [JSON.stringify(e1), JSON.stringify({ ...e2, eventId: 1.5 }), JSON.stringify([e3, { ...e3, subscriptionType: 'deal.propertyChange' }]), '"text"'].join('\n');
    const result = parseEventsText(text, 'events.jsonl');
    expect(shown(result)).toEqual([
      { path: 'line 2.eventId', message: 'expected an integer event id' },
      { path: 'line 3[1].propertyName', message: 'is required for deal.propertyChange' },
      { path: 'line 4', message: 'expected an event object or a batch array' },
    ]);
  });

  it('reports field problems and action rules of one event together', () => {
    const text = JSON.stringify([{ ...e1, occurredAt: 'soon', subscriptionType: 'contact.propertyChange' }]);
    const result = parseEventsText(text, 'events.json');
    expect(!result.ok && result.problems.map((p) => formatPath(p.path))).toEqual(['events[0].occurredAt', 'events[0].propertyName']);
  });
});
