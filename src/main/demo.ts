// `npm run demo`: simulates every worked example in examples/ and prints the people's table; no Redis, no HubSpot.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../cli/main.ts';

// npm runs scripts from the project's folder, so relative paths print as a user would type them.
const root = 'examples';
const examples = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'criteria.yaml')))
  .map((d) => d.name)
  .sort();

let worst = 0;
for (const name of examples) {
  const dir = join(root, name);
  const args = ['simulate', '--criteria', join(dir, 'criteria.yaml'), '--events', join(dir, 'events.json')];
  if (existsSync(join(dir, 'records.json'))) args.push('--records', join(dir, 'records.json'));
  process.stdout.write(`\n=== ${name} ===\n$ npx outcome-billing ${args.join(' ')}\n\n`);
  worst = Math.max(worst, await main(args));
}
process.exitCode = worst;
