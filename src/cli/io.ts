// What a CLI command may touch, passed in so tests can run commands in-process and read their output.
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** Exit codes of cli.md: 0 success, 1 bad input (every problem on stderr), 2 usage error. */
export const EXIT = { ok: 0, badInput: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A wrong command line: unknown command or option, a missing or malformed argument. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
