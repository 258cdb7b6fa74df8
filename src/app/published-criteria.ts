// Criteria versions published from HubSpot and criteria files as one registry: each id@version from exactly one place.
import { buildCriteriaSet } from '../core/criteria/criteria-set.ts';
import type { SourcedProblem, SourcedVersion } from '../core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../core/criteria/parse-file.ts';
import { formatProblem } from '../core/problems.ts';
import { isoUtc } from '../core/time.ts';
import type { CriteriaLoad, CriteriaLoader } from './criteria-source.ts';
import type { KnownVersion } from './criteria-changes.ts';

/** The HubSpot user a signed request names. */
export interface Publisher {
  readonly userId: number;
  readonly email: string | null;
}

/** A published version, immutable once stored: its full text (publish fields included) and who published it when. */
export interface PublishedVersion {
  readonly id: string;
  readonly version: number;
  readonly text: string;
  readonly effectiveFrom: number;
  readonly changeNotes: string;
  readonly publishedBy: Publisher;
  readonly publishedAt: number;
}

export type InsertResult = { readonly ok: true } | { readonly ok: false; readonly taken: number };

/** Where published versions are kept, shared by every process. */
export interface PublishedStore {
  readAll(): Promise<PublishedVersion[]>;
  /**
   * Stores `entry` only if its number is above every number already published for its id and not known
   * to the ledger from a file, and records it as known in the same step; else `taken`, the number in the way.
   */
  insert(entry: PublishedVersion, known: KnownVersion): Promise<InsertResult>;
  /** Changes at every publish: a process reloads the published set when it differs from what it last read. */
  revision(): Promise<string>;
}

const PUBLISHED_PREFIX = 'HubSpot (';

/** How a published version is named in problems, next to a file's path. */
export const publishedSource = (p: PublishedVersion): string =>
  `${PUBLISHED_PREFIX}${p.id}@${p.version} published by user ${p.publishedBy.userId} at ${isoUtc(p.publishedAt)})`;

/** Whether a loaded version's source is a publication (else a file path, which never starts so). */
export const isPublishedSource = (source: string): boolean => source.startsWith(PUBLISHED_PREFIX);

/** A stored version read back as the files are; a problem here means the stored text no longer parses (a parser change). */
export function sourcedPublished(p: PublishedVersion): { ok: true; version: SourcedVersion } | { ok: false; problems: SourcedProblem[] } {
  const source = publishedSource(p);
  const parsed = parseCriteriaText(p.text);
  if (!parsed.ok) return { ok: false, problems: parsed.problems.map((q) => ({ ...q, source })) };
  const [v] = parsed.versions;
  if (!v) return { ok: false, problems: [{ source, code: 'required', path: [], message: 'holds no criteria version' }] };
  return { ok: true, version: { ...v, source } };
}

export type FileVersions = { readonly ok: true; readonly versions: readonly SourcedVersion[] } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * The service's loader: the files (read again only when asked: at start and on SIGHUP) and every
 * published version, checked as one set, so an id@version in both is refused with both sources named.
 */
export function registryLoader(readFiles: () => Promise<FileVersions>, store: PublishedStore): CriteriaLoader {
  let files: FileVersions | null = null;
  return async (options) => {
    if (files === null || options?.filesAgain !== false) files = await readFiles();
    if (!files.ok) return { ok: false, problems: files.problems };
    return combine(files.versions, await store.readAll());
  };
}

export function combine(files: readonly SourcedVersion[], published: readonly PublishedVersion[]): CriteriaLoad {
  const problems: string[] = [];
  const versions: SourcedVersion[] = [...files];
  for (const p of published) {
    const read = sourcedPublished(p);
    if (read.ok) versions.push(read.version);
    else problems.push(...read.problems.map((q) => `${q.source}: ${formatProblem(q)}`));
  }
  const set = buildCriteriaSet(versions);
  if (!set.ok) problems.push(...set.problems.map((q) => `${q.source}: ${formatProblem(q)}`));
  if (problems.length > 0 || !set.ok) return { ok: false, problems };
  return { ok: true, set: set.set, versions };
}
