// Brings a portal's billing properties and verification-log object in line with property-definitions/: reads first, creates what is missing, patches what differs, never deletes.
import { z } from 'zod';
import { requestJson, versionedPath } from '../adapters/hubspot/client.ts';
import type { HubSpotRequest } from '../adapters/hubspot/client.ts';
import { HubSpotError } from './hubspot-errors.ts';
import type { HubSpotMethod } from './hubspot-errors.ts';
import type { OptionDefinition, PropertyDefinition, PropertyDefinitions, VerificationLogSchema } from '../adapters/hubspot/property-definitions.ts';

export type SetupSubject = 'group' | 'property' | 'object schema' | 'association';

export interface SetupAction {
  readonly kind: 'created' | 'updated' | 'unchanged' | 'conflict';
  readonly subject: SetupSubject;
  /** `contacts.ob_status`, `ob_verification_log`, `ob_verification_log to contacts`. */
  readonly target: string;
  /** What was (or would be) changed, or why a conflict needs a person. */
  readonly detail: string | null;
}

export interface SetupFailure {
  /** What setup was doing, for a person: `reading the custom object schemas`. */
  readonly step: string;
  /** Custom objects fail for reasons of their own (Enterprise only), so the message can say so. */
  readonly area: 'properties' | 'custom object';
  readonly error: HubSpotError;
}

export interface SetupReport {
  readonly dryRun: boolean;
  readonly actions: readonly SetupAction[];
  /** The first HubSpot error; setup stops there. Everything before it stands: running again continues. */
  readonly failure: SetupFailure | null;
}

export interface SetupOptions {
  readonly dryRun: boolean;
  /** Called as each action happens, so a person sees progress even if a later call fails. */
  readonly onAction?: (action: SetupAction) => void;
}

// ---------------------------------------------------------------------------------------------
// What HubSpot answers (only the fields setup reads; everything else passes through)
// ---------------------------------------------------------------------------------------------

const hubspotOption = z.looseObject({
  label: z.string(),
  value: z.string(),
  displayOrder: z.number().nullish(),
  hidden: z.boolean().nullish(),
});
type HubSpotOption = z.infer<typeof hubspotOption>;

const hubspotProperty = z.looseObject({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  fieldType: z.string(),
  groupName: z.string(),
  description: z.string().nullish(),
  options: z.array(hubspotOption).nullish(),
  hasUniqueValue: z.boolean().nullish(),
  formField: z.boolean().nullish(),
  hidden: z.boolean().nullish(),
  displayOrder: z.number().nullish(),
});
type HubSpotProperty = z.infer<typeof hubspotProperty>;

const hubspotGroup = z.looseObject({ name: z.string(), label: z.string(), displayOrder: z.number().nullish() });

const hubspotAssociation = z.looseObject({ fromObjectTypeId: z.string(), toObjectTypeId: z.string() });

const hubspotSchema = z.looseObject({
  name: z.string(),
  objectTypeId: z.string(),
  archived: z.boolean().nullish(),
  labels: z.looseObject({ singular: z.string().nullish(), plural: z.string().nullish() }).nullish(),
  description: z.string().nullish(),
  primaryDisplayProperty: z.string().nullish(),
  secondaryDisplayProperties: z.array(z.string()).nullish(),
  requiredProperties: z.array(z.string()).nullish(),
  searchableProperties: z.array(z.string()).nullish(),
  associations: z.array(hubspotAssociation).nullish(),
});
type HubSpotSchema = z.infer<typeof hubspotSchema>;

const results = <T extends z.ZodType>(item: T) => z.looseObject({ results: z.array(item) });
const created = z.looseObject({ name: z.string() });
const anything = z.unknown();

/** HubSpot's type ids of the objects a custom object can be associated with here. */
const OBJECT_TYPE_IDS = { CONTACT: '0-1', DEAL: '0-3', TICKET: '0-5' } as const;
const OBJECT_NAMES = { CONTACT: 'contacts', DEAL: 'deals', TICKET: 'tickets' } as const;

// ---------------------------------------------------------------------------------------------
// The use case
// ---------------------------------------------------------------------------------------------

/**
 * Reads each object's groups and properties and the custom object schemas, then creates, patches or
 * leaves each definition. With `dryRun` it sends only GETs and reports what it would do. Safe to run
 * again: a second run finds everything in place and only reads.
 */
export async function runHubSpotSetup(request: HubSpotRequest, definitions: PropertyDefinitions, options: SetupOptions): Promise<SetupReport> {
  const actions: SetupAction[] = [];
  const record = (action: SetupAction) => {
    actions.push(action);
    options.onAction?.(action);
  };
  let step = '';
  let area: SetupFailure['area'] = 'properties';
  const call = <T>(description: string, method: HubSpotMethod, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> => {
    step = description;
    return requestJson(request, method, path, schema, body);
  };
  const ctx: Ctx = { call, record, dryRun: options.dryRun };

  try {
    const { billing, verificationLog } = definitions;
    for (const objectType of billing.objectTypes) {
      const groups = await call(`reading the ${objectType} property groups`, 'GET', versionedPath('crm/properties', objectType, 'groups'), results(hubspotGroup));
      const group = groups.results.find((g) => g.name === billing.group.name);
      const groupTarget = `${objectType}.${billing.group.name}`;
      if (group === undefined) {
        if (!ctx.dryRun) await call(`creating group ${groupTarget}`, 'POST', versionedPath('crm/properties', objectType, 'groups'), created, billing.group);
        record({ kind: 'created', subject: 'group', target: groupTarget, detail: null });
      } else {
        const patch: Record<string, unknown> = {};
        if (group.label !== billing.group.label) patch['label'] = billing.group.label;
        if (billing.group.displayOrder !== undefined && group.displayOrder !== billing.group.displayOrder) patch['displayOrder'] = billing.group.displayOrder;
        if (Object.keys(patch).length > 0 && !ctx.dryRun) {
          await call(`updating group ${groupTarget}`, 'PATCH', versionedPath('crm/properties', objectType, 'groups', billing.group.name), anything, patch);
        }
        record({ kind: Object.keys(patch).length > 0 ? 'updated' : 'unchanged', subject: 'group', target: groupTarget, detail: fieldList(patch) });
      }
      const existing = await call(`reading the ${objectType} properties`, 'GET', versionedPath('crm/properties', objectType), results(hubspotProperty));
      await syncProperties(ctx, objectType, objectType, billing.properties, existing.results, billing.group.name, billing.group.name);
    }

    area = 'custom object';
    await syncVerificationLog(ctx, verificationLog);
    return { dryRun: options.dryRun, actions, failure: null };
  } catch (e) {
    if (e instanceof HubSpotError) return { dryRun: options.dryRun, actions, failure: { step, area, error: e } };
    throw e;
  }
}

interface Ctx {
  readonly dryRun: boolean;
  call<T>(description: string, method: HubSpotMethod, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T>;
  record(action: SetupAction): void;
}

async function syncVerificationLog(ctx: Ctx, wanted: VerificationLogSchema): Promise<void> {
  const schemas = await ctx.call('reading the custom object schemas', 'GET', versionedPath('crm-object-schemas', 'schemas'), results(hubspotSchema));
  let schema = schemas.results.find((s) => s.name === wanted.name && s.archived !== true);
  if (schema === undefined) {
    const { name, description, labels, primaryDisplayProperty, secondaryDisplayProperties, requiredProperties, searchableProperties, associatedObjects, properties } = wanted;
    const body = { name, description, labels, primaryDisplayProperty, secondaryDisplayProperties, requiredProperties, searchableProperties, associatedObjects, properties };
    if (!ctx.dryRun) await ctx.call(`creating the ${wanted.name} custom object`, 'POST', versionedPath('crm-object-schemas', 'schemas'), hubspotSchema, body);
    const associated = wanted.associatedObjects.map((o) => OBJECT_NAMES[o]).join(', ');
    ctx.record({ kind: 'created', subject: 'object schema', target: wanted.name, detail: `${wanted.properties.length} properties, associated with ${associated}` });
    return;
  }
  // Some answers list schemas without their associations; the single schema always has them.
  if (schema.associations == null) {
    schema = await ctx.call(`reading the ${wanted.name} schema`, 'GET', versionedPath('crm-object-schemas', 'schemas', schema.objectTypeId), hubspotSchema);
  }
  const typeId = schema.objectTypeId;

  const existing = await ctx.call(`reading the ${wanted.name} properties`, 'GET', versionedPath('crm/properties', typeId), results(hubspotProperty));
  // New properties join the group HubSpot made for the object, where its display property already lives.
  const home = existing.results.find((p) => p.name === wanted.primaryDisplayProperty) ?? existing.results.find((p) => p.name.startsWith('ob_'));
  const groupName = home?.groupName ?? `${wanted.name}_information`;
  await syncProperties(ctx, wanted.name, typeId, wanted.properties, existing.results, groupName, null);

  for (const objectName of wanted.associatedObjects) {
    const other: string = OBJECT_TYPE_IDS[objectName];
    const target = `${wanted.name} to ${OBJECT_NAMES[objectName]}`;
    const present = (schema.associations ?? []).some(
      (a) => (a.fromObjectTypeId === typeId && a.toObjectTypeId === other) || (a.fromObjectTypeId === other && a.toObjectTypeId === typeId),
    );
    if (present) {
      ctx.record({ kind: 'unchanged', subject: 'association', target, detail: null });
      continue;
    }
    if (!ctx.dryRun) {
      const body = { fromObjectTypeId: typeId, toObjectTypeId: other, name: `${wanted.name}_to_${OBJECT_NAMES[objectName].replace(/s$/, '')}` };
      await ctx.call(`associating ${target}`, 'POST', versionedPath('crm-object-schemas', 'schemas', typeId, 'associations'), anything, body);
    }
    ctx.record({ kind: 'created', subject: 'association', target, detail: null });
  }

  // Last, so every property the schema names exists by now.
  const patch = schemaPatch(schema, wanted);
  if (Object.keys(patch).length > 0 && !ctx.dryRun) {
    await ctx.call(`updating the ${wanted.name} schema`, 'PATCH', versionedPath('crm-object-schemas', 'schemas', typeId), anything, patch);
  }
  ctx.record({ kind: Object.keys(patch).length > 0 ? 'updated' : 'unchanged', subject: 'object schema', target: wanted.name, detail: fieldList(patch) });
}

/**
 * Required and searchable properties only ever grow (a person may have added their own); labels,
 * description and display properties follow the definition.
 */
function schemaPatch(schema: HubSpotSchema, wanted: VerificationLogSchema): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (schema.labels?.singular !== wanted.labels.singular || schema.labels?.plural !== wanted.labels.plural) patch['labels'] = wanted.labels;
  if ((schema.description ?? '') !== wanted.description) patch['description'] = wanted.description;
  if (schema.primaryDisplayProperty !== wanted.primaryDisplayProperty) patch['primaryDisplayProperty'] = wanted.primaryDisplayProperty;
  if ((schema.secondaryDisplayProperties ?? []).join() !== wanted.secondaryDisplayProperties.join()) patch['secondaryDisplayProperties'] = wanted.secondaryDisplayProperties;
  for (const field of ['requiredProperties', 'searchableProperties'] as const) {
    const have = schema[field] ?? [];
    if (wanted[field].some((n) => !have.includes(n))) patch[field] = [...have, ...wanted[field].filter((n) => !have.includes(n))];
  }
  return patch;
}

/**
 * `groupName`: the group new properties go to. `wantedGroup`: the group existing ones must be in, or
 * null to leave them where they are (custom object properties, which have no group of ours).
 */
async function syncProperties(
  ctx: Ctx,
  label: string,
  objectType: string,
  wanted: readonly PropertyDefinition[],
  existing: readonly HubSpotProperty[],
  groupName: string,
  wantedGroup: string | null,
): Promise<void> {
  const byName = new Map(existing.map((p) => [p.name, p]));
  for (const definition of wanted) {
    const target = `${label}.${definition.name}`;
    const current = byName.get(definition.name);
    if (current === undefined) {
      if (!ctx.dryRun) await ctx.call(`creating property ${target}`, 'POST', versionedPath('crm/properties', objectType), created, { ...definition, groupName });
      ctx.record({ kind: 'created', subject: 'property', target, detail: null });
      continue;
    }
    const diff = propertyDiff(current, definition, wantedGroup);
    if ('conflict' in diff) {
      ctx.record({ kind: 'conflict', subject: 'property', target, detail: diff.conflict });
      continue;
    }
    const changed = Object.keys(diff.patch).length > 0;
    if (changed && !ctx.dryRun) {
      await ctx.call(`updating property ${target}`, 'PATCH', versionedPath('crm/properties', objectType, definition.name), anything, diff.patch);
    }
    ctx.record({ kind: changed ? 'updated' : 'unchanged', subject: 'property', target, detail: fieldList(diff.patch) });
  }
}

type PropertyDiff = { patch: Record<string, unknown> } | { conflict: string };

/**
 * Only fields the definition states are compared; HubSpot's defaults for the rest are left alone.
 * `hasUniqueValue` can never change on an existing property, and a `type` change may not convert the
 * values already stored: both need a person, so they are reported and never sent.
 */
function propertyDiff(current: HubSpotProperty, wanted: PropertyDefinition, wantedGroup: string | null): PropertyDiff {
  const uniqueNow = current.hasUniqueValue ?? false;
  const uniqueWanted = wanted.hasUniqueValue ?? false;
  if (uniqueNow !== uniqueWanted) {
    return {
      conflict: `hasUniqueValue is ${uniqueNow} in HubSpot but ${uniqueWanted} in property-definitions, and HubSpot never changes it on an existing property: a person must resolve it (archive or rename the property in HubSpot, then run setup again)`,
    };
  }
  if (current.type !== wanted.type) {
    return {
      conflict: `its type is ${current.type} in HubSpot but ${wanted.type} in property-definitions; changing a type may lose stored values, so a person must decide (this command never changes types or deletes)`,
    };
  }
  const patch: Record<string, unknown> = {};
  if (current.label !== wanted.label) patch['label'] = wanted.label;
  if ((current.description ?? '') !== wanted.description) patch['description'] = wanted.description;
  if (wantedGroup !== null && current.groupName !== wantedGroup) patch['groupName'] = wantedGroup;
  if (current.fieldType !== wanted.fieldType) {
    patch['type'] = wanted.type;
    patch['fieldType'] = wanted.fieldType;
  }
  for (const field of ['formField', 'hidden', 'displayOrder'] as const) {
    if (wanted[field] !== undefined && current[field] !== wanted[field]) patch[field] = wanted[field];
  }
  if (wanted.options !== undefined) {
    const options = mergedOptions(current.options ?? [], wanted.options);
    if (options !== null) patch['options'] = options;
  }
  return { patch };
}

/**
 * HubSpot replaces the whole option list on a PATCH. Options someone added in HubSpot are kept, after
 * ours: removing one would hide values records already hold. Null when nothing of ours differs.
 */
function mergedOptions(current: readonly HubSpotOption[], wanted: readonly OptionDefinition[]): OptionDefinition[] | null {
  const byValue = new Map(current.map((o) => [o.value, o]));
  const same = wanted.every((w) => {
    const c = byValue.get(w.value);
    return c !== undefined && c.label === w.label && (c.displayOrder ?? w.displayOrder) === w.displayOrder && (c.hidden ?? false) === w.hidden;
  });
  if (same) return null;
  const ours = new Set(wanted.map((w) => w.value));
  const extra = current
    .filter((c) => !ours.has(c.value))
    .map((c, i) => ({ label: c.label, value: c.value, displayOrder: wanted.length + i, hidden: c.hidden ?? false }));
  return [...wanted, ...extra];
}

function fieldList(patch: Record<string, unknown>): string | null {
  const keys = Object.keys(patch);
  return keys.length === 0 ? null : keys.join(', ');
}

/** One line per action, as the command prints it. */
export function formatSetupAction(action: SetupAction, dryRun: boolean): string {
  const verb = dryRun
    ? { created: 'would create', updated: 'would update', unchanged: 'unchanged', conflict: 'conflict' }[action.kind]
    : action.kind;
  if (action.kind === 'conflict') return `${verb} ${action.subject} ${action.target}: ${action.detail ?? ''}`;
  return `${verb} ${action.subject} ${action.target}${action.detail ? ` (${action.detail})` : ''}`;
}
