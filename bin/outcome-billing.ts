#!/usr/bin/env node
// Entry point of the `outcome-billing` command (package.json "bin"); runs on the project's pinned Node.
import { main } from '../src/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
