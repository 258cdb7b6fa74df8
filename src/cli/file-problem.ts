// How a command prints a problem found in an input file: the file's name first, and only once.
import { formatProblem } from '../core/problems.ts';
import type { Problem } from '../core/problems.ts';

/**
 * `events.json: events[3].portalId: expected ...`. A problem of the whole file (its path empty, or the
 * file's name as the readers of events and records files put it) prints as `events.json: invalid JSON ...`.
 */
export function formatFileProblem(source: string, problem: Problem): string {
  const whole = problem.path.length === 0 || (problem.path.length === 1 && problem.path[0] === source);
  return whole ? `${source}: ${problem.message}` : `${source}: ${formatProblem(problem)}`;
}
