// Reads an events file for the simulator: a JSON array of events (batches may be nested) or JSON Lines, every problem located.
import type { Problem, ProblemPath } from '../../core/problems.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { jsonSyntaxProblem, parseJsonText, stripBom } from '../json-text.ts';
import { hubSpotWebhookEventSchema } from './webhook-events.ts';
import type { HubSpotWebhookEvent } from './webhook-events.ts';

export type ParseEventsResult =
  | {
      readonly ok: true;
      readonly format: 'json' | 'jsonl';
      readonly events: readonly HubSpotWebhookEvent[];
      /** Where each event is in the file, for messages: `events[3]`, `events[2][5]`, `line 4`, `line 4[1]`. */
      readonly locations: readonly ProblemPath[];
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Reads an events file: a JSON array of events, in which an element may itself be an array (a
 * delivery batch, flattened one level), or JSON Lines, each non-empty line an event or a batch.
 * Every problem is listed, each with where it is; on any problem no event is returned.
 */
export function parseEventsText(text: string, sourceName: string): ParseEventsResult {
  const body = stripBom(text);
  if (body.trim() === '') {
    return { ok: false, problems: [{ code: 'required', path: [sourceName], message: 'is empty: expected a JSON array of HubSpot webhook events, or JSON Lines' }] };
  }
  const whole = parseJsonText(body);
  const nonEmptyLines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (whole.ok && Array.isArray(whole.value)) return readEventArray(whole.value);
  if (whole.ok && nonEmptyLines.length > 1) {
    return { ok: false, problems: [{ code: 'invalid_type', path: [sourceName], message: 'expected a JSON array of HubSpot webhook events, or JSON Lines (one event or batch per line)' }] };
  }
  // A broken pretty-printed array has a first line that is not JSON on its own; JSON Lines has one that is.
  if (!whole.ok && !parseJsonText(nonEmptyLines[0] ?? '').ok) {
    return { ok: false, problems: [jsonSyntaxProblem(sourceName, whole.error)] };
  }
  return readEventLines(body, sourceName);
}

function readEventArray(items: readonly unknown[]): ParseEventsResult {
  const problems: Problem[] = [];
  const events: HubSpotWebhookEvent[] = [];
  const locations: ProblemPath[] = [];
  items.forEach((item, i) => {
    const at = ['events', i];
    if (Array.isArray(item)) {
      item.forEach((inner: unknown, j) => collectEvent(inner, [...at, j], events, locations, problems));
    } else {
      collectEvent(item, at, events, locations, problems, 'an event object or a batch array');
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, format: 'json', events, locations };
}

function readEventLines(body: string, sourceName: string): ParseEventsResult {
  const problems: Problem[] = [];
  const events: HubSpotWebhookEvent[] = [];
  const locations: ProblemPath[] = [];
  body.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const at = [`line ${i + 1}`];
    const parsed = parseJsonText(line);
    if (!parsed.ok) {
      problems.push(jsonSyntaxProblem(sourceName, { ...parsed.error, line: i + 1 }));
      return;
    }
    if (Array.isArray(parsed.value)) {
      parsed.value.forEach((inner: unknown, j) => collectEvent(inner, [...at, j], events, locations, problems));
    } else {
      collectEvent(parsed.value, at, events, locations, problems, 'an event object or a batch array');
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, format: 'jsonl', events, locations };
}

function collectEvent(
  value: unknown,
  at: ProblemPath,
  events: HubSpotWebhookEvent[],
  locations: ProblemPath[],
  problems: Problem[],
  expected = 'an event object',
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ code: 'invalid_type', path: at, message: `expected ${expected}` });
    return;
  }
  const result = hubSpotWebhookEventSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    problems.push(...problemsFromZod(result.error, { at, wording: 'schema' }));
    return;
  }
  events.push(result.data);
  locations.push(at);
}
