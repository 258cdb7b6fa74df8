// Brings a portal's billing properties and verification-log object in line with property-definitions/: reads first, creates what is missing, patches what differs, never deletes.
import { HubSpotError } from './hubspot-errors.ts';
import type { ExistingProperty, ExistingSchema, HubSpotSetupApi, WantedDefinitions, WantedGroup, WantedProperty, WantedVerificationLog } from './hubspot-setup-port.ts';
import { fieldList, propertyDiff, schemaPatch } from './setup-diff.ts';

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

/** HubSpot's type ids of the objects a custom object can be associated with here. */
const OBJECT_TYPE_IDS = { CONTACT: '0-1', DEAL: '0-3', TICKET: '0-5' } as const;
const OBJECT_NAMES = { CONTACT: 'contacts', DEAL: 'deals', TICKET: 'tickets' } as const;

interface Ctx {
  readonly api: HubSpotSetupApi;
  readonly dryRun: boolean;
  /** Makes a read, remembering what it is for should it fail. */
  read<T>(step: string, call: () => Promise<T>): Promise<T>;
  /** Makes a change, the same way; a dry run skips it. */
  write(step: string, call: () => Promise<void>): Promise<void>;
  record(action: SetupAction): void;
}

/**
 * Reads each object's groups and properties and the custom object schemas, then creates, patches or
 * leaves each definition. With `dryRun` it sends only GETs and reports what it would do. Safe to run
 * again: a second run finds everything in place and only reads.
 */
export async function runHubSpotSetup(api: HubSpotSetupApi, definitions: WantedDefinitions, options: SetupOptions): Promise<SetupReport> {
  const actions: SetupAction[] = [];
  let step = '';
  let area: SetupFailure['area'] = 'properties';
  const ctx: Ctx = {
    api,
    dryRun: options.dryRun,
    read: (description, call) => {
      step = description;
      return call();
    },
    write: async (description, call) => {
      if (options.dryRun) return;
      step = description;
      await call();
    },
    record: (action) => {
      actions.push(action);
      options.onAction?.(action);
    },
  };

  try {
    const { billing, verificationLog } = definitions;
    for (const objectType of billing.objectTypes) {
      await syncGroup(ctx, objectType, billing.group);
      const existing = await ctx.read(`reading the ${objectType} properties`, () => api.properties(objectType));
      await syncProperties(ctx, objectType, objectType, billing.properties, existing, billing.group.name, billing.group.name);
    }
    area = 'custom object';
    await syncVerificationLog(ctx, verificationLog);
    return { dryRun: options.dryRun, actions, failure: null };
  } catch (e) {
    if (e instanceof HubSpotError) return { dryRun: options.dryRun, actions, failure: { step, area, error: e } };
    throw e;
  }
}

async function syncGroup(ctx: Ctx, objectType: string, wanted: WantedGroup): Promise<void> {
  const groups = await ctx.read(`reading the ${objectType} property groups`, () => ctx.api.propertyGroups(objectType));
  const group = groups.find((g) => g.name === wanted.name);
  const target = `${objectType}.${wanted.name}`;
  if (group === undefined) {
    await ctx.write(`creating group ${target}`, () => ctx.api.createPropertyGroup(objectType, wanted));
    ctx.record({ kind: 'created', subject: 'group', target, detail: null });
    return;
  }
  const patch: Record<string, unknown> = {};
  if (group.label !== wanted.label) patch['label'] = wanted.label;
  if (wanted.displayOrder !== undefined && group.displayOrder !== wanted.displayOrder) patch['displayOrder'] = wanted.displayOrder;
  const changed = Object.keys(patch).length > 0;
  if (changed) await ctx.write(`updating group ${target}`, () => ctx.api.updatePropertyGroup(objectType, wanted.name, patch));
  ctx.record({ kind: changed ? 'updated' : 'unchanged', subject: 'group', target, detail: fieldList(patch) });
}

async function syncVerificationLog(ctx: Ctx, wanted: WantedVerificationLog): Promise<void> {
  const schemas = await ctx.read('reading the custom object schemas', () => ctx.api.objectSchemas());
  let schema = schemas.find((s) => s.name === wanted.name && s.archived !== true);
  if (schema === undefined) {
    const { name, description, labels, primaryDisplayProperty, secondaryDisplayProperties, requiredProperties, searchableProperties, associatedObjects, properties } = wanted;
    const body = { name, description, labels, primaryDisplayProperty, secondaryDisplayProperties, requiredProperties, searchableProperties, associatedObjects, properties };
    await ctx.write(`creating the ${wanted.name} custom object`, () => ctx.api.createObjectSchema(body));
    const associated = wanted.associatedObjects.map((o) => OBJECT_NAMES[o]).join(', ');
    ctx.record({ kind: 'created', subject: 'object schema', target: wanted.name, detail: `${wanted.properties.length} properties, associated with ${associated}` });
    return;
  }
  // Some answers list schemas without their associations; the single schema always has them.
  if (schema.associations == null) {
    const typeId = schema.objectTypeId;
    schema = await ctx.read(`reading the ${wanted.name} schema`, () => ctx.api.objectSchema(typeId));
  }
  const typeId = schema.objectTypeId;

  const existing = await ctx.read(`reading the ${wanted.name} properties`, () => ctx.api.properties(typeId));
  // New properties join the group HubSpot made for the object, where its display property already lives.
  const home = existing.find((p) => p.name === wanted.primaryDisplayProperty) ?? existing.find((p) => p.name.startsWith('ob_'));
  const groupName = home?.groupName ?? `${wanted.name}_information`;
  await syncProperties(ctx, wanted.name, typeId, wanted.properties, existing, groupName, null);
  await syncAssociations(ctx, schema, wanted);

  // Last, so every property the schema names exists by now.
  const patch = schemaPatch(schema, wanted);
  const changed = Object.keys(patch).length > 0;
  if (changed) await ctx.write(`updating the ${wanted.name} schema`, () => ctx.api.updateObjectSchema(typeId, patch));
  ctx.record({ kind: changed ? 'updated' : 'unchanged', subject: 'object schema', target: wanted.name, detail: fieldList(patch) });
}

async function syncAssociations(ctx: Ctx, schema: ExistingSchema, wanted: WantedVerificationLog): Promise<void> {
  const typeId = schema.objectTypeId;
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
    const association = { fromObjectTypeId: typeId, toObjectTypeId: other, name: `${wanted.name}_to_${OBJECT_NAMES[objectName].replace(/s$/, '')}` };
    await ctx.write(`associating ${target}`, () => ctx.api.createSchemaAssociation(typeId, association));
    ctx.record({ kind: 'created', subject: 'association', target, detail: null });
  }
}

/**
 * `groupName`: the group new properties go to. `wantedGroup`: the group existing ones must be in, or
 * null to leave them where they are (custom object properties, which have no group of ours).
 */
async function syncProperties(
  ctx: Ctx,
  label: string,
  objectType: string,
  wanted: readonly WantedProperty[],
  existing: readonly ExistingProperty[],
  groupName: string,
  wantedGroup: string | null,
): Promise<void> {
  const byName = new Map(existing.map((p) => [p.name, p]));
  for (const definition of wanted) {
    const target = `${label}.${definition.name}`;
    const current = byName.get(definition.name);
    if (current === undefined) {
      await ctx.write(`creating property ${target}`, () => ctx.api.createProperty(objectType, { ...definition, groupName }));
      ctx.record({ kind: 'created', subject: 'property', target, detail: null });
      continue;
    }
    const diff = propertyDiff(current, definition, wantedGroup);
    if ('conflict' in diff) {
      ctx.record({ kind: 'conflict', subject: 'property', target, detail: diff.conflict });
      continue;
    }
    const changed = Object.keys(diff.patch).length > 0;
    if (changed) await ctx.write(`updating property ${target}`, () => ctx.api.updateProperty(objectType, definition.name, diff.patch));
    ctx.record({ kind: changed ? 'updated' : 'unchanged', subject: 'property', target, detail: fieldList(diff.patch) });
  }
}

/** One line per action, as the command prints it. */
export function formatSetupAction(action: SetupAction, dryRun: boolean): string {
  const verb = dryRun
    ? { created: 'would create', updated: 'would update', unchanged: 'unchanged', conflict: 'conflict' }[action.kind]
    : action.kind;
  if (action.kind === 'conflict') return `${verb} ${action.subject} ${action.target}: ${action.detail ?? ''}`;
  return `${verb} ${action.subject} ${action.target}${action.detail ? ` (${action.detail})` : ''}`;
}
