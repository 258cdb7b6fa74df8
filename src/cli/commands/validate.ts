// `outcome-billing validate <criteria-file>...`: checks criteria files and lists every problem.
import { formatSourcedProblem, loadCriteriaFiles } from '../../adapters/files/criteria-files.ts';
import { describeInstant } from '../../core/time.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../io.ts';
import type { CliIo, ExitCode } from '../io.ts';

export const validateHelp = `Usage: outcome-billing validate <criteria-file>...

Checks criteria files (YAML or JSON; a folder means its .yaml, .yml and .json files) against the
outcome contract, together as one set. Prints one line per criteria version, or every problem with
its file, field path and, for a condition, the column.

Exit codes: 0 all valid, 1 a file has problems, 2 usage error.`;

export async function validateCommand(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs(args, {});
  if (values.help) {
    io.out(validateHelp);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('validate needs at least one criteria file');
  const loaded = await loadCriteriaFiles(positionals);
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
