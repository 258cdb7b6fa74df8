// The form's common fields, read from and written into the draft's YAML text, which stays the one thing sent: the rest is edited as text.

export interface FieldDef {
  readonly key: string;
  readonly label: string;
  readonly description: string;
}

/** Top-level fields with one plain value: a form field each. Nested ones (trigger, price) stay in the text. */
export const FORM_FIELDS: readonly FieldDef[] = [
  { key: 'name', label: 'Name', description: 'What the customer pays for, in words.' },
  { key: 'success', label: 'Success', description: "The condition that makes an attempt a success, such as stage = 'closed'." },
  { key: 'within', label: 'Within', description: 'How long after the press a success still counts (90s, 45m, 48h, 7d).' },
  { key: 'retry_window', label: 'Retry window', description: 'Presses this close to the last one are retries of the same attempt.' },
  { key: 'cooldown', label: 'Cool-down', description: 'Presses this soon after the last one are not counted.' },
  { key: 'review_window', label: 'Review', description: 'How long a success waits for review before it is billed.' },
];

const lineOf = (key: string) => new RegExp(`^${key}:[ \\t]*(.*)$`, 'm');

/** The field's value as a person reads it (quotes taken off), or '' when the text does not set it. */
export function readField(text: string, key: string): string {
  const raw = lineOf(key).exec(text)?.[1]?.trim() ?? '';
  if (raw.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(raw);
      return typeof value === 'string' ? value : raw;
    } catch {
      return raw;
    }
  }
  if (raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2) return raw.slice(1, -1).replace(/''/g, "'");
  return raw;
}

/** The text with the field set to `value`, written as a double-quoted YAML string (JSON's quoting, which YAML reads). */
export function writeField(text: string, key: string, value: string): string {
  const line = `${key}: ${JSON.stringify(value)}`;
  if (lineOf(key).test(text)) return text.replace(lineOf(key), line);
  return `${text.replace(/\n*$/, '\n')}${line}\n`;
}
