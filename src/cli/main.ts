// The `outcome-billing` command: dispatches to a subcommand and maps failures to cli.md's exit codes.
import { readFile } from 'node:fs/promises';
import { criteriaCommand } from './commands/criteria.ts';
import { exportCommand } from './commands/export.ts';
import { hubspotCommand } from './commands/hubspot-setup.ts';
import { invoiceCommand } from './commands/invoice.ts';
import { ledgerCommand } from './commands/ledger.ts';
import { periodCommand } from './commands/period.ts';
import { reconcileCommand } from './commands/reconcile.ts';
import { sendCommand } from './commands/send.ts';
import { simulateCommand } from './commands/simulate.ts';
import { validateCommand } from './commands/validate.ts';
import { suggestion } from './args.ts';
import { EXIT, processIo, UsageError } from './io.ts';
import type { CliIo, ExitCode } from './io.ts';

const COMMANDS: Record<string, (args: readonly string[], io: CliIo) => Promise<ExitCode>> = {
  validate: validateCommand,
  simulate: simulateCommand,
  send: (args, io) => sendCommand(args, io),
  ledger: (args, io) => ledgerCommand(args, io),
  export: (args, io) => exportCommand(args, io),
  invoice: (args, io) => invoiceCommand(args, io),
  period: (args, io) => periodCommand(args, io),
  reconcile: (args, io) => reconcileCommand(args, io),
  hubspot: (args, io) => hubspotCommand(args, io),
  criteria: (args, io) => criteriaCommand(args, io),
};

export const mainHelp = `Usage: outcome-billing <command> [options]

Commands:
  validate <criteria-file>...   check criteria files against the outcome contract
  simulate --criteria <file> --events <file> [--records <file>] [--until <time>] [--format table|json]
                                replay recorded HubSpot events and print the ledger and invoice
  send --events <file> [--to <url>] [--secret <s>] [--now] [--rate <events/s>]
                                post recorded HubSpot events to a running service, signed as HubSpot does
  ledger [--portal <id>] [--format table|json]
                                print the live service's ledger from Redis
  export --portal <id> --events <file> --actions <file> --criteria <file> [--records <file>]
                                write a portal's stored signals, actions and criteria for simulate
  invoice --period <YYYY-MM> [--format table|json|csv] [--by criteria|cost-centre|agent]
                                a period's invoice, each outcome with its verification-log URL
  period close <YYYY-MM>        freeze a period's invoice as an immutable snapshot with its SHA-256
  reconcile --period <YYYY-MM> [--format table|json] [--repair]
                                compare the ledger, the invoice and the verification log in HubSpot
  hubspot setup [--dry-run]     create the billing properties and verification-log object in HubSpot
  hubspot subscriptions [--criteria <path>] [--check]
                                regenerate the HubSpot app's webhook subscriptions from the criteria
  criteria export <dir>         write every criteria version (files and published in HubSpot) as YAML
  criteria publish <file> --by <user id>
                                publish the next version of a criteria id, as the settings page does

Run 'outcome-billing <command> --help' for a command's options, 'outcome-billing --version' for the version.`;

export async function main(args: readonly string[], io: CliIo = processIo): Promise<ExitCode> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(mainHelp);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    io.out(await packageVersion());
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`outcome-billing: unknown command "${name}"${suggestion(name, Object.keys(COMMANDS))}\n\n${mainHelp}`);
    return EXIT.usage;
  }
  try {
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`outcome-billing ${name}: ${e.message}\nRun 'outcome-billing ${name} --help' for usage.`);
      return EXIT.usage;
    }
    throw e;
  }
}

/** The version in package.json, read when asked: the command runs from a checkout, not a build. */
async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
