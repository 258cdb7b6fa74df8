// What `send` and `ledger` take from `npm run dev`'s session file when neither a flag nor the environment gives a value.
import { DEV_SESSION_FILE, devSessionPath, formatDevSessionProblems, readDevSession } from '../adapters/files/dev-session.ts';
import type { DevSession } from '../adapters/files/dev-session.ts';
import { isSetValue } from '../config/env.ts';
import type { CliIo } from './io.ts';

/** The one line on stderr that says where the values the user did not give came from. */
export const DEV_SESSION_NOTE = `using the settings of \`npm run dev\` from ${DEV_SESSION_FILE}`;

/** For a command's --help: how it finds a running `npm run dev`. */
export const devSessionHelp = (values: string): string =>
  `When ${values} are given neither as an option nor in the environment, they are read from
${DEV_SESSION_FILE} in the current folder, which \`npm run dev\` writes for this (a development-only
file, git-ignored: it holds that run's made-up secrets).`;

export type DevSessionFallback = { readonly ok: true; readonly session: DevSession | null } | { readonly ok: false };

/**
 * The session of the `npm run dev` started in `cwd`, or null when none ran there. An invalid file is
 * reported on `io.err` (file, field, what is wrong) and gives `ok: false`: a command then stops with
 * exit 1 rather than guess. The command prints DEV_SESSION_NOTE once it takes a value from the session.
 */
export async function readDevSessionFallback(cwd: string, io: CliIo): Promise<DevSessionFallback> {
  const read = await readDevSession(devSessionPath(cwd));
  if (read.kind === 'absent') return { ok: true, session: null };
  if (read.kind === 'found') return { ok: true, session: read.session };
  for (const line of formatDevSessionProblems(DEV_SESSION_FILE, read.problems)) io.err(line);
  io.err(`${DEV_SESSION_FILE} is written by \`npm run dev\`: start it again to rewrite the file, delete the file, or give every value as an option`);
  return { ok: false };
}

/** Whether the `npm run dev` that wrote the session still runs: signal 0 only asks (EPERM: it runs, as another user). */
export function devRunning(session: DevSession): boolean {
  try {
    process.kill(session.pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** True when a value is set: the service and the CLI read an empty or blank variable (`FOO=`) as unset. */
export const given = isSetValue;
