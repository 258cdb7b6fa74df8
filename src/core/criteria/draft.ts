// A draft of the next criteria version as text: the publish fields (version, effective time, change notes) set by the service, then parsed as `validate` parses a file.
import { isMap, parseDocument } from 'yaml';
import { isoUtc } from '../time.ts';
import type { Problem } from '../problems.ts';
import { parseCriteriaText } from './parse-file.ts';
import type { LocatedVersion } from './parse-file.ts';

/** What the publisher decides, not the draft: the number, when it takes effect and why it changed. */
const PUBLISH_FIELDS = ['version', 'effective_from', 'change_notes'] as const;

/** What the draft itself says about the publish fields, so the service can honour or refuse them. */
export interface DraftStated {
  readonly id: string | null;
  readonly version: number | null;
  readonly effectiveFrom: string | null;
  readonly changeNotes: string | null;
  /** The draft's `timezone`: a bare date as the effective time is midnight there. */
  readonly timezone: string | null;
}

export type DraftRead = { readonly ok: true; readonly stated: DraftStated } | { readonly ok: false; readonly problems: Problem[] };

/** Reads what a draft states; a text that is not one version (YAML that does not read, a `criteria:` list) gets its problems. */
export function readDraft(text: string): DraftRead {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const parsed = parseCriteriaText(text);
    return { ok: false, problems: parsed.ok ? [] : parsed.problems };
  }
  if (!isMap(doc.contents)) return { ok: false, problems: [{ code: 'invalid_type', path: [], message: 'expected one criteria version (a mapping of fields)' }] };
  if (doc.has('criteria')) {
    return { ok: false, problems: [{ code: 'invalid_value', path: ['criteria'], message: 'a draft is one version: publish the versions of a `criteria:` list one at a time' }] };
  }
  const str = (key: string) => {
    const v: unknown = doc.get(key);
    return typeof v === 'string' ? v : null;
  };
  const version: unknown = doc.get('version');
  return { ok: true, stated: { id: str('id'), version: typeof version === 'number' ? version : null, effectiveFrom: str('effective_from'), changeNotes: str('change_notes'), timezone: str('timezone') } };
}

export type DraftResult =
  | { readonly ok: true; readonly version: LocatedVersion; readonly text: string }
  | { readonly ok: false; readonly problems: Problem[] };

/**
 * Sets the publish fields on the draft and parses the result with the parser `validate` uses, so its
 * problems carry the same paths and columns. The text kept is the draft's own layout and comments.
 */
export function completeDraft(text: string, fields: { readonly version: number; readonly effectiveFrom: number; readonly changeNotes: string }): DraftResult {
  const read = readDraft(text);
  if (!read.ok) return read;
  // readDraft has refused a key given twice.
  const doc = parseDocument(text);
  doc.set('version', fields.version);
  doc.set('effective_from', isoUtc(fields.effectiveFrom));
  doc.set('change_notes', fields.changeNotes);
  const complete = doc.toString();
  const parsed = parseCriteriaText(complete);
  if (!parsed.ok) return { ok: false, problems: parsed.problems };
  // readDraft let through one mapping, and a mapping that parses without a problem is exactly one version.
  return { ok: true, version: parsed.versions[0]!, text: complete };
}

/** The editor's starting point for the next version: the latest version's text without the publish fields. */
export function nextDraftText(latestText: string): string {
  const doc = parseDocument(latestText);
  if (!isMap(doc.contents)) return latestText;
  for (const key of PUBLISH_FIELDS) doc.delete(key);
  return doc.toString();
}
