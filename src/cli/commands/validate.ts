// `outcome-billing validate <criteria-file>...`: checks criteria files and lists every problem.
import { FOLDER_RULE } from '../../adapters/files/criteria-folder.ts';
import { formatSourcedProblem, loadCriteriaFiles } from '../../adapters/files/criteria-files.ts';
import { describeInstant } from '../../core/time.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';
import { wrap } from '../text.ts';

export const validateHelp = `Usage: outcome-billing validate <criteria-file-or-folder>...

Checks criteria files (YAML or JSON) against the outcome contract, together as one set. Prints one
line per criteria version, or every problem with its file, field path and, for a condition, the
column. A file named here is read as criteria whatever its name.

${wrap(FOLDER_RULE, 100)}

Exit codes: 0 all valid, 1 a file has problems, 2 usage error.`;

export async function validateCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs(args, {}, { positionals: 'paths' });
  if (values.help) {
    io.out(validateHelp);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('validate needs at least one criteria file');
  const loaded = await loadCriteriaFiles(positionals);
  // Nothing is passed over silently: a reader can see which files the folder rule left out.
  for (const path of loaded.skipped) io.err(`skipped ${path}: JSON that holds no criteria (not an object with "id" or "criteria")`);
  if (!loaded.ok) {
    for (const p of loaded.problems) io.err(formatSourcedProblem(p));
    io.err(`${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}: nothing was applied`);
    return EXIT.badInput;
  }
  for (const { criteria: c } of loaded.versions) {
    io.out(`${c.id} v${c.version} (${c.object}), effective ${describeInstant(c.effectiveFrom, c.timezone)}`);
  }
  return EXIT.ok;
}
