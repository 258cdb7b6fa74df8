// One conformance suite for every criteria registry (KnownVersions): the Redis registry and the in-memory one must both pass it.
import { afterAll, describe, expect, it } from 'vitest';
import type { KnownVersion } from '../../src/app/criteria-changes.ts';
import type { KnownVersions } from '../../src/app/criteria-source.ts';

export interface CriteriaRegistryFactory {
  /** Two handles on one new, empty registry, as two processes (or a process and its restart) have. */
  create(): Promise<readonly [KnownVersions, KnownVersions]>;
  cleanup?(): Promise<void>;
}

const known = (id: string, version: number, canonical = `${id} v${version}`, effectiveFrom = 1_000 * version): KnownVersion => ({ id, version, canonical, effectiveFrom });
const byKey = (versions: readonly KnownVersion[]) => [...versions].sort((a, b) => (a.id === b.id ? a.version - b.version : a.id < b.id ? -1 : 1));

export function describeCriteriaRegistry(name: string, factory: CriteriaRegistryFactory): void {
  describe(`criteria registry conformance: ${name}`, () => {
    afterAll(async () => factory.cleanup?.());

    it('knows nothing at first, then every version written, by any process', async () => {
      const [one, two] = await factory.create();
      expect(await one.read()).toEqual([]);
      await one.write([known('resolve', 1), known('resolve', 2)]);
      await two.write([known('enrich', 1)]);
      await two.write([]);
      const all = [known('enrich', 1), known('resolve', 1), known('resolve', 2)];
      expect(byKey(await one.read())).toEqual(all);
      expect(byKey(await two.read())).toEqual(all);
    });

    it('replaces a version written again (an edit before it took effect), keeps the others, and hands out copies', async () => {
      const [one, two] = await factory.create();
      await one.write([known('resolve', 1), known('resolve', 2, 'first text', 5_000)]);
      await two.write([known('resolve', 2, 'edited text', 6_000)]);
      const read = byKey(await one.read());
      expect(read).toEqual([known('resolve', 1), known('resolve', 2, 'edited text', 6_000)]);
      (read[0] as { canonical: string }).canonical = 'changed by a reader';
      expect(byKey(await two.read())[0]).toEqual(known('resolve', 1));
    });
  });
}
