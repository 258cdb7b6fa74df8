// A request body's bytes to a JSON value, or a message saying where and why it is not JSON (never quoting the body).
import { parseJsonText } from '../json-text.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJsonBody(body: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  if (body.length === 0) return { ok: false, message: 'the body is empty: expected a JSON array of HubSpot webhook events' };
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { ok: false, message: 'the body is not UTF-8 text' };
  }
  const parsed = parseJsonText(text);
  if (parsed.ok) return parsed;
  const at = parsed.error;
  return { ok: false, message: `invalid JSON at line ${at.line}, column ${at.column} (position ${at.position}): ${at.message}` };
}
