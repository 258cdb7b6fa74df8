// Reads criteria from files or folders and checks them as one set: the CLI's and the service's loader.
import { readFile, stat } from 'node:fs/promises';
import type { CriteriaLoader } from '../../app/criteria-source.ts';
import { buildCriteriaSet } from '../../core/criteria/criteria-set.ts';
import type { CriteriaSet, SourcedProblem, SourcedVersion } from '../../core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../core/criteria/parse-file.ts';
import { formatProblem } from '../../core/problems.ts';
import { criteriaFolderFiles, isCriteriaJson } from './criteria-folder.ts';
import type { FolderFile } from './criteria-folder.ts';

/** `skipped`: the .json files found in folders that hold no criteria (criteria-folder.ts's rule), for a tool to name. */
export type LoadCriteriaResult =
  | { ok: true; set: CriteriaSet; versions: SourcedVersion[]; skipped: string[] }
  | { ok: false; problems: SourcedProblem[]; skipped: string[] };

/**
 * Every path may be a file (read as criteria whatever its name) or a folder (see FOLDER_RULE). All
 * files are read and checked, and the set-wide rules on every version that compiled, before anything
 * is returned, so every problem is listed at once: one bad file rejects the whole set.
 */
export async function loadCriteriaFiles(paths: readonly string[]): Promise<LoadCriteriaResult> {
  const problems: SourcedProblem[] = [];
  const files: FolderFile[] = [];
  for (const path of paths) {
    try {
      if (!(await stat(path)).isDirectory()) {
        files.push({ path, kind: 'yaml' });
        continue;
      }
      const found = await criteriaFolderFiles(path);
      if (found.length === 0) problems.push({ source: path, code: 'required', path: ['(folder)'], message: 'holds no .yaml, .yml or .json criteria file, in it or its subfolders' });
      files.push(...found);
    } catch (e) {
      problems.push({ source: path, code: 'unreadable', path: ['(file)'], message: readError(e) });
    }
  }
  const versions: SourcedVersion[] = [];
  const skipped: string[] = [];
  // Versions of rejected files too, only to check the set-wide rules against: their problems come with the file's own.
  const compiled: SourcedVersion[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file.path, 'utf8');
    } catch (e) {
      problems.push({ source: file.path, code: 'unreadable', path: ['(file)'], message: readError(e) });
      continue;
    }
    if (file.kind === 'json' && !isCriteriaJson(text)) {
      skipped.push(file.path);
      continue;
    }
    const parsed = parseCriteriaText(text);
    const located = (parsed.ok ? parsed.versions : parsed.compiled).map((v) => ({ ...v, source: file.path }));
    if (parsed.ok) versions.push(...located);
    else problems.push(...parsed.problems.map((p) => ({ ...p, source: file.path })));
    compiled.push(...located);
  }
  const set = buildCriteriaSet(compiled);
  if (!set.ok) problems.push(...set.problems);
  if (problems.length > 0 || !set.ok) return { ok: false, problems, skipped };
  return { ok: true, set: set.set, versions, skipped };
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
