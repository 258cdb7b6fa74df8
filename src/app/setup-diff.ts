// What setup would change (pure): a property's patch or the conflict only a person can resolve, merged option lists, the verification-log schema's patch.
import type { ExistingOption, ExistingProperty, ExistingSchema, WantedOption, WantedProperty, WantedVerificationLog } from './hubspot-setup-port.ts';

/**
 * Required and searchable properties only ever grow (a person may have added their own); labels,
 * description and display properties follow the definition.
 */
export function schemaPatch(schema: ExistingSchema, wanted: WantedVerificationLog): Record<string, unknown> {
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

export type PropertyDiff = { patch: Record<string, unknown> } | { conflict: string };

/**
 * Only fields the definition states are compared; HubSpot's defaults for the rest are left alone.
 * `hasUniqueValue` can never change on an existing property, and a `type` change may not convert the
 * values already stored: both need a person, so they are reported and never sent.
 */
export function propertyDiff(current: ExistingProperty, wanted: WantedProperty, wantedGroup: string | null): PropertyDiff {
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
function mergedOptions(current: readonly ExistingOption[], wanted: readonly WantedOption[]): WantedOption[] | null {
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

/** The changed fields, as an action's detail: `label, options`; null when nothing changes. */
export function fieldList(patch: Record<string, unknown>): string | null {
  const keys = Object.keys(patch);
  return keys.length === 0 ? null : keys.join(', ');
}
