// The worked examples (ours, ../shared/examples and ../shared/examples-next) must produce the outcomes and invoice in their expected.json.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const roots = [join(import.meta.dirname, '../../examples'), join(import.meta.dirname, '../../../shared/examples'), join(import.meta.dirname, '../../../shared/examples-next')];
const nameOf = (root: string): string => (root.endsWith('examples-next') ? 'shared-next' : root.includes('shared') ? 'shared' : 'project');
const examples = roots.flatMap((root) =>
  existsSync(root)
    ? readdirSync(root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'expected.json')))
        .map((d) => ({ name: `${nameOf(root)}/${d.name}`, dir: join(root, d.name) }))
    : [],
);

async function simulateJson(dir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const args = ['simulate', '--criteria', join(dir, 'criteria.yaml'), '--events', join(dir, 'events.json'), '--format', 'json'];
  if (existsSync(join(dir, 'records.json'))) args.push('--records', join(dir, 'records.json'));
  if (existsSync(join(dir, 'actions.json'))) args.push('--actions', join(dir, 'actions.json'));
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, doc: code === 0 ? JSON.parse(out.join('')) : null, err: err.join('\n') };
}

describe('worked examples', () => {
  it('finds the shared example and ours', () => {
    expect(examples.map((e) => e.name)).toContain('shared/ticket-resolved');
    expect(examples.map((e) => e.name)).toContain('shared-next/dispute-credits');
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples)('$name: simulate yields expected.json', async ({ dir }) => {
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    const { code, doc, err } = await simulateJson(dir);
    expect(err).not.toMatch(/problem|refused/);
    expect(code).toBe(0);
    // expected.json lists a subset of each outcome's fields, in the output's order.
    expect(doc.outcomes.length).toBe(expected.outcomeCount ?? expected.outcomes.length);
    if (expected.outcomeCount === undefined) expected.outcomes.forEach((o: object, i: number) => expect(doc.outcomes[i]).toMatchObject(o));
    // Else it lists some outcomes only: each is found by its id.
    else for (const o of expected.outcomes) expect(doc.outcomes.find((x: { outcomeId: string }) => x.outcomeId === o.outcomeId)).toMatchObject(o);
    expect(doc.invoice.length).toBe(expected.invoice.length);
    expected.invoice.forEach((l: object, i: number) => expect(doc.invoice[i]).toMatchObject(l));
  });
});
