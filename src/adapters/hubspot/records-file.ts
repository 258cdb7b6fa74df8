// Reads the simulator's records file: each record's properties before the first event, every problem at its path.
import { z } from 'zod';
import type { Problem } from '../../core/problems.ts';
import type { InitialRecord } from '../../core/simulate.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { jsonSyntaxProblem, parseJsonText, stripBom } from '../json-text.ts';
import { required, requiredIdSchema } from './webhook-events.ts';

/** Each record's state before the first event: numbers and booleans as their string form, null as '' (unknown). */
export type ParseRecordsResult =
  | { readonly ok: true; readonly records: readonly InitialRecord[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

const recordSchema = z.strictObject(
  {
    objectType: z.enum(['contact', 'deal', 'ticket'], { error: required('contact, deal or ticket') }),
    id: requiredIdSchema,
    properties: z
      .record(
        z.string().min(1, { error: 'a property name must not be empty' }),
        z.union([z.string(), z.number(), z.boolean(), z.null()], { error: 'expected a string, number, boolean or null' }),
        { error: 'expected an object of property name to value' },
      )
      .optional(),
  },
  { error: 'expected a record object { objectType, id, properties }' },
);

/**
 * Reads the simulator's records file: a JSON array of `{ objectType, id, properties }`. Every
 * problem is listed with its path (`records[2].objectType`); a repeated (objectType, id) is one.
 */
export function parseRecordsText(text: string, sourceName: string): ParseRecordsResult {
  const body = stripBom(text);
  if (body.trim() === '') return { ok: false, problems: [{ code: 'required', path: [sourceName], message: 'is empty: expected a JSON array of records' }] };
  const parsed = parseJsonText(body);
  if (!parsed.ok) return { ok: false, problems: [jsonSyntaxProblem(sourceName, parsed.error)] };
  if (!Array.isArray(parsed.value)) return { ok: false, problems: [{ code: 'invalid_type', path: ['records'], message: 'expected a JSON array of records' }] };

  const problems: Problem[] = [];
  const records: InitialRecord[] = [];
  const firstAt = new Map<string, number>();
  parsed.value.forEach((item: unknown, i) => {
    const at = ['records', i];
    const result = recordSchema.safeParse(item, { reportInput: true });
    if (!result.success) {
      problems.push(...problemsFromZod(result.error, { at, wording: 'schema' }));
      return;
    }
    const { objectType, id, properties = {} } = result.data;
    const key = `${objectType}:${id}`;
    const earlier = firstAt.get(key);
    if (earlier !== undefined) {
      problems.push({ code: 'duplicate', path: [...at, 'id'], message: `${objectType} ${id} is already in records[${earlier}]` });
      return;
    }
    firstAt.set(key, i);
    const props = new Map<string, string>();
    for (const [name, value] of Object.entries(properties)) props.set(name, value === null ? '' : String(value));
    records.push({ objectType, id, properties: props });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, records };
}
