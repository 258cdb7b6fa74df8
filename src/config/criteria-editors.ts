// The CRITERIA_EDITORS variable: who may publish criteria versions from HubSpot.
import { z } from 'zod';

/** `CRITERIA_EDITORS`: HubSpot user ids, separated by commas; unset means nobody may publish criteria. */
export const criteriaEditors = z.preprocess(
  (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z
    .string()
    .default('')
    .transform((raw, ctx): ReadonlySet<number> => {
      const ids = new Set<number>();
      for (const item of raw.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
        if (/^[1-9][0-9]{0,15}$/.test(item)) ids.add(Number(item));
        else ctx.addIssue({ code: 'custom', message: `"${item}" is not a HubSpot user id (list user ids, separated by commas)` });
      }
      return ids;
    }),
);
