// The project's config profiles (hubspot-app/src/hsprofile.<name>.json) and the `${VARIABLE}` substitution `hs project upload --profile` applies to -hsmeta.json values.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const appDir = join(import.meta.dirname, '../../hubspot-app');
export const projectSourceDir = join(appDir, 'src');

const httpsOrigin = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' && u.origin === s;
  } catch {
    return false;
  }
}, 'must be a bare https origin');

/** HubSpot's profile file (build-with-config-profiles): the account it uploads to and the variables; ours has exactly BACKEND_URL. */
export const profileSchema = z.strictObject({
  accountId: z.int().positive(),
  variables: z.strictObject({ BACKEND_URL: httpsOrigin }),
});
export type Profile = z.infer<typeof profileSchema> & { readonly name: string };

export function readProfiles(): Profile[] {
  return readdirSync(projectSourceDir)
    .map((f) => /^hsprofile\.([^.]+)\.json$/.exec(f)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort()
    .map((name) => ({ name, ...profileSchema.parse(JSON.parse(readFileSync(join(projectSourceDir, `hsprofile.${name}.json`), 'utf8'))) }));
}

/** Every `${NAME}` in every string of `value` replaced by the variable; a variable the profile lacks throws, as the upload does. */
export function substitute(value: unknown, variables: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{(.*?)\}/g, (_all, name: string) => {
      const v = variables[name];
      if (v === undefined) throw new Error(`no profile variable ${name}`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, variables));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, variables)]));
  return value;
}
