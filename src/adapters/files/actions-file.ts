// Reads (and writes) an actions file for the simulator (cli.md `--actions`): a JSON array or JSON Lines, every problem located.
import { z } from 'zod';
import { ACTION_TYPES } from '../../core/engine/input.ts';
import type { Action } from '../../core/engine/input.ts';
import type { Problem, ProblemPath } from '../../core/problems.ts';
import { isoUtc, parseInstant } from '../../core/time.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import { jsonSyntaxProblem, parseJsonText, stripBom } from '../json-text.ts';

export type ParseActionsResult =
  | {
      readonly ok: true;
      readonly format: 'json' | 'jsonl';
      /** In the order taken: the file's order. */
      readonly actions: readonly Action[];
      /** Where each action is in the file, for messages: `actions[3]`, `line 4`. */
      readonly locations: readonly ProblemPath[];
    }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** An instant with its offset: an action happened at one moment, never "some time that day". */
const WITH_OFFSET = /T.*(Z|[+-]\d{2}(:?\d{2})?)$/;
const instant = z.string().transform((text, ctx): number => {
  const parsed = WITH_OFFSET.test(text) ? parseInstant(text, 'UTC') : null;
  if (parsed?.ok) return parsed.ms;
  const message = parsed === null ? `"${text}" is not an ISO 8601 date-time with an offset (e.g. 2026-11-05T09:00:00Z)` : parsed.message;
  ctx.addIssue({ code: 'custom', message, params: { problem: 'invalid_format' } });
  return z.NEVER;
});

// Blank texts and a user id that is not a user are the core's to refuse (contract §7): such an action
// does not stop the run. The shape, though, must be right, or the file is not read at all.
const by = z.strictObject({ userId: z.number().int(), email: z.string() });
const common = { at: instant, by };

const schemas = {
  open_dispute: z.strictObject({ type: z.literal('open_dispute'), ...common, outcomeId: z.string(), reason: z.string() }),
  resolve_dispute: z.strictObject({ type: z.literal('resolve_dispute'), ...common, outcomeId: z.string(), resolution: z.enum(['upheld', 'rejected']), note: z.string() }),
  pause: z.strictObject({ type: z.literal('pause'), ...common, criteriaId: z.string(), note: z.string() }),
  resume: z.strictObject({ type: z.literal('resume'), ...common, criteriaId: z.string(), note: z.string() }),
} satisfies Record<Action['type'], z.ZodType<Action>>;

const EXPECTED = 'expected a JSON array of actions, or JSON Lines (one action per line)';

/**
 * Reads an actions file: a JSON array of actions or JSON Lines, one action per non-empty line, each
 * `{ type, at, by: { userId, email }, ... }` with exactly its type's fields. Every problem is listed
 * with where it is (`actions[3].by.email`, `line 4.note`); on any problem no action is returned.
 */
export function parseActionsText(text: string, sourceName: string): ParseActionsResult {
  const body = stripBom(text);
  if (body.trim() === '') return { ok: false, problems: [{ code: 'required', path: [sourceName], message: `is empty: ${EXPECTED}` }] };
  const whole = parseJsonText(body);
  const lines = body.split(/\r?\n/);
  const nonEmpty = lines.filter((line) => line.trim() !== '');
  if (whole.ok && Array.isArray(whole.value)) return collect('json', whole.value.map((value: unknown, i) => ({ value, at: ['actions', i] })));
  if (whole.ok && nonEmpty.length > 1) return { ok: false, problems: [{ code: 'invalid_type', path: [sourceName], message: EXPECTED }] };
  // A broken pretty-printed array has a first line that is not JSON on its own; JSON Lines has one that is.
  if (!whole.ok && !parseJsonText(nonEmpty[0] ?? '').ok) return { ok: false, problems: [jsonSyntaxProblem(sourceName, whole.error)] };
  const items: { value: unknown; at: ProblemPath }[] = [];
  const problems: Problem[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const parsed = parseJsonText(line);
    if (parsed.ok) items.push({ value: parsed.value, at: [`line ${i + 1}`] });
    else problems.push(jsonSyntaxProblem(sourceName, { ...parsed.error, line: i + 1 }));
  });
  const read = collect('jsonl', items);
  return problems.length === 0 ? read : { ok: false, problems: [...problems, ...(read.ok ? [] : read.problems)] };
}

function collect(format: 'json' | 'jsonl', items: readonly { value: unknown; at: ProblemPath }[]): ParseActionsResult {
  const problems: Problem[] = [];
  const actions: Action[] = [];
  const locations: ProblemPath[] = [];
  for (const { value, at } of items) {
    const action = readAction(value, at, problems);
    if (action === null) continue;
    actions.push(action);
    locations.push(at);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, format, actions, locations };
}

/** One action, or null with its problems added: its `type` says which fields it has. */
function readAction(value: unknown, at: ProblemPath, problems: Problem[]): Action | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({ code: 'invalid_type', path: at, message: 'expected an action object { type, at, by, ... }' });
    return null;
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !(ACTION_TYPES as readonly string[]).includes(type)) {
    const choices = ACTION_TYPES.join(', ');
    problems.push(
      type === undefined
        ? { code: 'required', path: [...at, 'type'], message: `is required: one of ${choices}` }
        : { code: 'invalid_value', path: [...at, 'type'], message: `must be one of ${choices}, got ${JSON.stringify(type)}` },
    );
    return null;
  }
  const parsed = schemas[type as Action['type']].safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  problems.push(...problemsFromZod(parsed.error, { at }));
  return null;
}

/** An action as the file holds it (the inverse of parseActionsText), for writing actions to replay. */
export function actionJson(a: Action): Record<string, unknown> {
  const head = { type: a.type, at: isoUtc(a.at), by: { userId: a.by.userId, email: a.by.email } };
  switch (a.type) {
    case 'open_dispute':
      return { ...head, outcomeId: a.outcomeId, reason: a.reason };
    case 'resolve_dispute':
      return { ...head, outcomeId: a.outcomeId, resolution: a.resolution, note: a.note };
    case 'pause':
    case 'resume':
      return { ...head, criteriaId: a.criteriaId, note: a.note };
  }
}
