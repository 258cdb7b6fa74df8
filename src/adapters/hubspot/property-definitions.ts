// The HubSpot properties and custom object this service writes to, read from property-definitions/*.json and checked with zod.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { BILLING_PREFIX } from '../../app/hubspot-ports.ts';
import type { CrmObjectType } from '../../app/hubspot-ports.ts';
import { DISPUTE_STATES } from '../../app/writeback-payloads.ts';
import { OBJECT_TYPES, REASONS, STATUSES } from '../../core/types.ts';
import type { Problem } from '../../core/problems.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';

export const PROPERTY_DEFINITIONS_DIR = fileURLToPath(new URL('../../../property-definitions/', import.meta.url));
export const BILLING_PROPERTIES_FILE = 'billing-properties.json';
export const VERIFICATION_LOG_SCHEMA_FILE = 'verification-log-schema.json';

/** The standard objects the service writes outcomes on, as the properties API names them. */
export const RECORD_OBJECT_TYPES = ['contacts', 'deals', 'tickets'] as const satisfies readonly CrmObjectType[];

/**
 * Property types this project uses and the field types HubSpot accepts for each (properties guide,
 * "Property type and fieldType values"). `json` and `object_coordinates` cannot be created at all.
 */
const FIELD_TYPES = {
  string: ['text', 'textarea'],
  number: ['number'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  bool: ['booleancheckbox'],
} as const satisfies Record<string, readonly string[]>;
type PropertyType = keyof typeof FIELD_TYPES;
const PROPERTY_TYPES = Object.keys(FIELD_TYPES) as [PropertyType, ...PropertyType[]];

const INTERNAL_NAME = /^ob_[a-z0-9]+(_[a-z0-9]+)*$/;
const name = z.string().regex(INTERNAL_NAME, { error: `must be a lower-case internal name starting with ${BILLING_PREFIX} (letters, digits, single underscores)` });
const text = (max: number) => z.string().trim().min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });

/** Enumerations whose values the write-back writes: HubSpot must hold each of them, in this order. */
const CONTRACT_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  ob_status: STATUSES,
  ob_reason: REASONS,
  ob_object_type: OBJECT_TYPES,
  ob_dispute_state: DISPUTE_STATES,
};

const optionSchema = z.strictObject({
  label: text(200),
  value: z.string().min(1).max(200),
  displayOrder: z.int().min(0),
  hidden: z.boolean(),
  description: z.string().optional(),
});
export type OptionDefinition = z.infer<typeof optionSchema>;

const propertySchema = z
  .strictObject({
    name,
    label: text(200),
    description: z.string().max(500),
    type: z.enum(PROPERTY_TYPES),
    fieldType: z.string(),
    formField: z.boolean().optional(),
    hidden: z.boolean().optional(),
    displayOrder: z.int().min(-1).optional(),
    hasUniqueValue: z.boolean().optional(),
    options: z.array(optionSchema).min(1).optional(),
  })
  .superRefine((p, ctx) => {
    const allowed: readonly string[] = FIELD_TYPES[p.type];
    if (!allowed.includes(p.fieldType)) {
      ctx.addIssue({ code: 'custom', path: ['fieldType'], message: `a ${p.type} property takes fieldType ${allowed.join(' or ')}, not "${p.fieldType}"` });
    }
    const needsOptions = p.type === 'enumeration' || p.type === 'bool';
    if (needsOptions && p.options === undefined) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${p.type} property needs its options` });
    if (!needsOptions && p.options !== undefined) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${p.type} property takes no options` });
    if (p.type === 'bool' && p.options !== undefined && p.options.map((o) => o.value).sort().join() !== 'false,true') {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'a bool property has exactly the options true and false' });
    }
    if (p.options !== undefined) {
      duplicates(p.options.map((o) => o.value)).forEach((v) => ctx.addIssue({ code: 'custom', path: ['options'], message: `option value "${v}" appears twice` }));
      p.options.forEach((o, i) => {
        if (o.displayOrder !== i) ctx.addIssue({ code: 'custom', path: ['options', i, 'displayOrder'], message: `must be ${i}: options are listed in display order` });
      });
    }
    if (p.hasUniqueValue === true && p.type !== 'string' && p.type !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['hasUniqueValue'], message: 'only string and number properties can hold unique values' });
    }
    // The enumerations mirror the contract: a status or reason HubSpot cannot hold would fail every write of it.
    const contract = CONTRACT_OPTIONS[p.name] ?? null;
    if (contract !== null && (p.options?.map((o) => o.value).join() ?? '') !== contract.join()) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: `must list exactly the contract's values, in order: ${contract.join(', ')}` });
    }
  });
export type PropertyDefinition = z.infer<typeof propertySchema>;

function uniqueNames(list: readonly { name: string }[], ctx: z.RefinementCtx, path: PropertyKey[]) {
  duplicates(list.map((p) => p.name)).forEach((n) => ctx.addIssue({ code: 'custom', path, message: `property "${n}" is defined twice` }));
}

export const billingPropertiesSchema = z
  .strictObject({
    objectTypes: z.array(z.enum(RECORD_OBJECT_TYPES)).min(1),
    group: z.strictObject({ name, label: text(200), displayOrder: z.int().min(-1).optional() }),
    properties: z.array(propertySchema).min(1),
  })
  .superRefine((b, ctx) => {
    uniqueNames(b.properties, ctx, ['properties']);
    duplicates(b.objectTypes).forEach((o) => ctx.addIssue({ code: 'custom', path: ['objectTypes'], message: `"${o}" is listed twice` }));
  });
export type BillingProperties = z.infer<typeof billingPropertiesSchema>;

export const verificationLogSchemaSchema = z
  .strictObject({
    name: z.string().regex(/^ob_[a-z][a-z0-9_]*$/, { error: `must be a lower-case name starting with ${BILLING_PREFIX}: letters, digits and underscores` }),
    description: z.string().max(500),
    labels: z.strictObject({ singular: text(100), plural: text(100) }),
    primaryDisplayProperty: name,
    secondaryDisplayProperties: z.array(name),
    requiredProperties: z.array(name),
    searchableProperties: z.array(name),
    associatedObjects: z.array(z.enum(['CONTACT', 'DEAL', 'TICKET'])).min(1),
    properties: z.array(propertySchema).min(1),
  })
  .superRefine((s, ctx) => {
    uniqueNames(s.properties, ctx, ['properties']);
    const names = new Set(s.properties.map((p) => p.name));
    const known = (field: 'primaryDisplayProperty' | 'secondaryDisplayProperties' | 'requiredProperties' | 'searchableProperties', list: readonly string[]) =>
      list.forEach((n) => {
        if (!names.has(n)) ctx.addIssue({ code: 'custom', path: [field], message: `"${n}" is not one of the schema's properties` });
      });
    known('primaryDisplayProperty', [s.primaryDisplayProperty]);
    known('secondaryDisplayProperties', s.secondaryDisplayProperties);
    known('requiredProperties', s.requiredProperties);
    known('searchableProperties', s.searchableProperties);
    duplicates(s.associatedObjects).forEach((o) => ctx.addIssue({ code: 'custom', path: ['associatedObjects'], message: `"${o}" is listed twice` }));
    // One log record per outcome: upserts key on the outcome id, which HubSpot can only do on a unique property.
    const outcomeId = s.properties.find((p) => p.name === 'ob_outcome_id');
    if (outcomeId?.hasUniqueValue !== true) ctx.addIssue({ code: 'custom', path: ['properties'], message: 'ob_outcome_id must exist with hasUniqueValue: true (one log record per outcome)' });
  });
export type VerificationLogSchema = z.infer<typeof verificationLogSchemaSchema>;

export interface PropertyDefinitions {
  readonly billing: BillingProperties;
  readonly verificationLog: VerificationLogSchema;
}

export type LoadDefinitionsResult = { ok: true; definitions: PropertyDefinitions } | { ok: false; problems: (Problem & { source: string })[] };

/** Reads and checks both files; every problem of both is listed. */
export async function loadPropertyDefinitions(dir: string = PROPERTY_DEFINITIONS_DIR): Promise<LoadDefinitionsResult> {
  const problems: (Problem & { source: string })[] = [];
  const read = async <T>(file: string, schema: z.ZodType<T>): Promise<T | null> => {
    const source = join(dir, file);
    let raw: unknown;
    try {
      const text = await readFile(source, 'utf8');
      try {
        raw = JSON.parse(text);
      } catch (e) {
        problems.push({ source, code: 'syntax', path: ['(file)'], message: e instanceof Error ? e.message : String(e) });
        return null;
      }
    } catch (e) {
      problems.push({ source, code: 'unreadable', path: ['(file)'], message: e instanceof Error ? e.message : String(e) });
      return null;
    }
    const parsed = schema.safeParse(raw, { reportInput: true });
    if (parsed.success) return parsed.data;
    problems.push(...problemsFromZod(parsed.error).map((p) => ({ ...p, source })));
    return null;
  };
  const billing = await read(BILLING_PROPERTIES_FILE, billingPropertiesSchema);
  const verificationLog = await read(VERIFICATION_LOG_SCHEMA_FILE, verificationLogSchemaSchema);
  if (billing === null || verificationLog === null) return { ok: false, problems };
  return { ok: true, definitions: { billing, verificationLog } };
}

function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const twice = new Set<T>();
  for (const v of values) (seen.has(v) ? twice : seen).add(v);
  return [...twice];
}
