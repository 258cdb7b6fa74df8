// JSON text that Redis's Lua scripts can read back: what the adapters store where a script decodes it (cjson).

// JSON.stringify writes a lone UTF-16 surrogate (half an emoji cut off upstream) as a `\udXXX` escape, and only
// then: paired ones it writes as characters. Redis's cjson refuses such an escape, so a script decoding the
// text (the log's trim, the dispute script's look at pending inputs) would stop at it.
const SURROGATE_ESCAPE = '\\ud';

const wellFormed = (_key: string, value: unknown): unknown => (typeof value === 'string' ? value.toWellFormed() : value);

/**
 * `JSON.stringify(value)`, with every string made well-formed first (a lone surrogate becomes U+FFFD) when
 * the text would hold a surrogate escape. The check costs one scan of text already built; the second pass
 * runs only for such rare values (or a string holding a literal backslash and `ud`, which it leaves as is).
 */
export function luaSafeJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes(SURROGATE_ESCAPE) ? JSON.stringify(value, wellFormed) : json;
}
