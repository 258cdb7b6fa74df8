// The form's common fields, read from and written into the draft's YAML text, which stays the one thing sent: the rest is edited as text.
import { isMap, isScalar, parseDocument } from 'yaml';

export interface FieldDef {
  /** Where the field is in the version: `['price', 'unit_amount']` for a nested one. */
  readonly path: readonly string[];
  readonly label: string;
  readonly description: string;
}

/** The common fields that hold one plain value each; lists and the rest stay in the text. */
export const FORM_FIELDS: readonly FieldDef[] = [
  { path: ['name'], label: 'Name', description: 'What the customer pays for, in words.' },
  { path: ['trigger', 'property'], label: 'Trigger property', description: 'The record property whose change is a press.' },
  { path: ['success'], label: 'Success', description: "The condition that makes an attempt a success, such as stage = 'closed'." },
  { path: ['within'], label: 'Within', description: 'How long after the press a success still counts (90s, 45m, 48h, 7d).' },
  { path: ['retry_window'], label: 'Retry window', description: 'Presses this close to the last one are retries of the same attempt.' },
  { path: ['cooldown'], label: 'Cool-down', description: 'Presses this soon after the last one are not counted.' },
  { path: ['review_window'], label: 'Review', description: 'How long a success waits for review before it is billed.' },
  { path: ['price', 'currency'], label: 'Currency', description: 'ISO 4217, such as USD or EUR.' },
  { path: ['price', 'unit_amount'], label: 'Price per outcome', description: 'A decimal amount, such as 0.99 (for the flat model).' },
];

/** How a problem's path names a form field: its dotted path. */
export const fieldKey = (path: readonly (string | number)[]): string => path.join('.');

/** The field's value as text, or '' when the draft does not set it (or cannot be read as YAML just now). */
export function readField(text: string, path: readonly string[]): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return '';
  const node: unknown = doc.getIn(path, true);
  if (!isScalar(node)) return '';
  const value: unknown = node.value;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/**
 * The text with the field set to `value` (as a string, so `0.99` stays the amount written), its
 * comments and layout kept; null when the text does not read as YAML (the field is then off until the
 * text is fixed).
 */
export function writeField(text: string, path: readonly string[], value: string): string | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return null;
  doc.setIn(path, value);
  return doc.toString();
}

/** Whether the form's fields can be used: the text reads as one YAML mapping. */
export function formUsable(text: string): boolean {
  const doc = parseDocument(text);
  return doc.errors.length === 0 && isMap(doc.contents);
}
