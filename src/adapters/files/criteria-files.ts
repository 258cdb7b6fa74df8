// Reads criteria from files or folders and checks them as one set: the CLI's and the service's loader.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CriteriaLoader } from '../../app/criteria-source.ts';
import { buildCriteriaSet } from '../../core/criteria/criteria-set.ts';
import type { CriteriaSet, SourcedProblem, SourcedVersion } from '../../core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../core/criteria/parse-file.ts';
import { formatProblem } from '../../core/problems.ts';

const CRITERIA_FILE = /\.(ya?ml|json)$/i;

export type LoadCriteriaResult =
  | { ok: true; set: CriteriaSet; versions: SourcedVersion[] }
  | { ok: false; problems: SourcedProblem[] };

/**
 * Every path may be a file or a folder (its .yaml, .yml and .json files, in name order). All files
 * are read and checked before anything is returned: one bad file rejects the whole set.
 */
export async function loadCriteriaFiles(paths: readonly string[]): Promise<LoadCriteriaResult> {
  const problems: SourcedProblem[] = [];
  const files: string[] = [];
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (info.isDirectory()) {
        const names = (await readdir(path)).filter((n) => CRITERIA_FILE.test(n)).sort();
        if (names.length === 0) problems.push({ source: path, code: 'required', path: ['(folder)'], message: 'holds no .yaml, .yml or .json criteria file' });
        files.push(...names.map((n) => join(path, n)));
      } else files.push(path);
    } catch (e) {
      problems.push({ source: path, code: 'unreadable', path: ['(file)'], message: readError(e) });
    }
  }
  const versions: SourcedVersion[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      problems.push({ source: file, code: 'unreadable', path: ['(file)'], message: readError(e) });
      continue;
    }
    const parsed = parseCriteriaText(text);
    if (!parsed.ok) problems.push(...parsed.problems.map((p) => ({ ...p, source: file })));
    else versions.push(...parsed.versions.map((v) => ({ ...v, source: file })));
  }
  if (problems.length > 0) return { ok: false, problems };
  const set = buildCriteriaSet(versions);
  return set.ok ? { ok: true, set: set.set, versions } : { ok: false, problems: set.problems };
}

/** The criteria-source port on files: each call reads `path` (a file or a folder) afresh. */
export function criteriaFileLoader(path: string): CriteriaLoader {
  return async () => {
    const loaded = await loadCriteriaFiles([path]);
    return loaded.ok ? loaded : { ok: false, problems: loaded.problems.map(formatSourcedProblem) };
  };
}

export function readError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder, expected a file';
  return e instanceof Error ? e.message : String(e);
}

export function formatSourcedProblem(p: SourcedProblem): string {
  return `${p.source}: ${formatProblem(p)}`;
}
