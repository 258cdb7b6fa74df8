// Which files of a criteria folder hold criteria: the rule `validate --help` states, and the walk below the top level.
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseJsonText, stripBom } from '../json-text.ts';

/** The rule as users read it (validate --help); the functions below implement it. */
export const FOLDER_RULE =
  'A folder is searched with its subfolders (names starting with "." and node_modules aside): every .yaml and .yml file is read as criteria, and a .json file only when it holds a JSON object with "id" or "criteria" (or is not valid JSON, to show its error), so the events.json, records.json, actions.json and expected.json of an example are skipped and named.';

const YAML_FILE = /\.ya?ml$/i;
const JSON_FILE = /\.json$/i;

export interface FolderFile {
  readonly path: string;
  /** A .json file must still be looked into (isCriteriaJson) before it is read as criteria. */
  readonly kind: 'yaml' | 'json';
}

/** Every .yaml, .yml and .json file under `dir`, in path order; symbolic links followed, each folder visited once. */
export async function criteriaFolderFiles(dir: string): Promise<FolderFile[]> {
  const found: FolderFile[] = [];
  const seen = new Set<string>();
  const walk = async (folder: string): Promise<void> => {
    const real = await realpath(folder);
    if (seen.has(real)) return;
    seen.add(real);
    // Hidden names also keep out a Kubernetes ConfigMap's `..data` copies, which would define every version twice.
    const names = (await readdir(folder)).filter((n) => !n.startsWith('.') && n !== 'node_modules').sort();
    for (const name of names) {
      const path = join(folder, name);
      // A broken link is left to the read, which reports it at its own path.
      const info = await stat(path).catch(() => null);
      if (info?.isDirectory()) await walk(path);
      else if (YAML_FILE.test(name)) found.push({ path, kind: 'yaml' });
      else if (JSON_FILE.test(name)) found.push({ path, kind: 'json' });
    }
  };
  await walk(dir);
  return found;
}

/** A JSON file found in a folder holds criteria when it is an object with `id` or `criteria`; broken JSON counts, so its error is shown. */
export function isCriteriaJson(text: string): boolean {
  const parsed = parseJsonText(stripBom(text));
  if (!parsed.ok) return text.trim() !== '';
  const value = parsed.value;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && ('id' in value || 'criteria' in value);
}
