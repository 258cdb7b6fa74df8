// The lists of HubSpot users the environment names: who may resolve disputes and pause criteria (DISPUTE_RESOLVERS), who may publish criteria (CRITERIA_EDITORS).
import { z } from 'zod';
import type { DisputeResolvers } from '../core/engine/users.ts';
import { unsetIfEmpty } from './env-text.ts';


/** `CRITERIA_EDITORS`: HubSpot user ids, separated by commas; editors in every portal, who may add more per portal on the settings page. */
export const criteriaEditors = z.preprocess(
  unsetIfEmpty,
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

/** `DISPUTE_RESOLVERS`: HubSpot user ids and emails, separated by commas; unset means nobody may resolve. */
export const disputeResolvers = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .default('')
    .transform((raw, ctx): DisputeResolvers => {
      const userIds = new Set<number>();
      const emails = new Set<string>();
      for (const item of raw.split(',').map((x) => x.trim()).filter((x) => x !== '')) {
        if (/^[1-9][0-9]{0,15}$/.test(item)) userIds.add(Number(item));
        else if (/^[^@\s]+@[^@\s]+$/.test(item)) emails.add(item.toLowerCase());
        else ctx.addIssue({ code: 'custom', message: `"${item}" is neither a HubSpot user id nor an email (list user ids and emails, separated by commas)` });
      }
      return { userIds, emails };
    }),
);
