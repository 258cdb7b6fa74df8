// The card's "paused now" list from a portal's pause log: the last action on each id decides.
import { describe, expect, it } from 'vitest';
import { pausedNowOf } from '../../src/app/pause-log.ts';
import type { PauseAction } from '../../src/core/engine/input.ts';

const by = { userId: 8, email: 'ben@example.com' };
const act = (type: 'pause' | 'resume', criteriaId: string, at: number): PauseAction => ({ type, criteriaId, at, by, note: 'n' });

describe('pausedNowOf', () => {
  it('lists each id whose last action is a pause, since that pause; a resumed id is not paused', () => {
    const log = [act('pause', 'route', 10), act('pause', 'enrich', 20), act('resume', 'route', 30), act('pause', 'route', 40)];
    expect(pausedNowOf(log)).toEqual([
      { criteriaId: 'route', since: 40 },
      { criteriaId: 'enrich', since: 20 },
    ]);
    expect(pausedNowOf([act('pause', 'route', 10), act('resume', 'route', 30)])).toEqual([]);
    expect(pausedNowOf([])).toEqual([]);
  });
});
