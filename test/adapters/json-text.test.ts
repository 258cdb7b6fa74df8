// Locating JSON syntax errors for people: line and column of the first error, never the input quoted back.
import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../../src/adapters/json-text.ts';

describe('parseJsonText', () => {
  it('parses valid JSON exactly as JSON.parse does', () => {
    expect(parseJsonText('{"a":[1,"x",null,true]}')).toEqual({ ok: true, value: { a: [1, 'x', null, true] } });
  });

  it.each([
    ['[1,2', 1, 5, "expected ',' or ']'"],
    ['[1,,2]', 1, 4, 'expected a value'],
    ['{"a":}', 1, 6, 'expected a value'],
    ['{"a":1}x', 1, 8, 'unexpected'],
    ['[\n{"a":1},\n{"b" 2}]', 3, 6, "expected ':'"],
    ['[1,]', 1, 4, 'expected a value'],
    ['// note\n[1]', 1, 1, 'comments are not JSON'],
    ['', 1, 1, 'expected a value'],
  ])('%j → line %i, column %i', (text, line, column, message) => {
    const r = parseJsonText(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ line, column });
      expect(r.error.message).toContain(message);
    }
  });

  it('does not quote the input back (it may hold personal data)', () => {
    const r = parseJsonText('{"email": "ann@example.com" "x"}');
    expect(!r.ok && r.error.message).not.toContain('ann@example.com');
  });

  it('reports absurd nesting instead of overflowing the stack', () => {
    const r = parseJsonText('['.repeat(100_000));
    expect(!r.ok && r.error.message).toBe('nested too deeply');
  });
});
