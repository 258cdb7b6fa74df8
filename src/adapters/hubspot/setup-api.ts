// The setup port (app/hubspot-setup-port.ts) on HubSpot's date-versioned properties and custom-object schema APIs, each answer checked with zod.
import { z } from 'zod';
import type { HubSpotSetupApi } from '../../app/hubspot-setup-port.ts';
import type { HubSpotMethod } from '../../app/hubspot-errors.ts';
import { requestJson, versionedPath } from './client.ts';
import type { HubSpotRequest } from './client.ts';

// ---------------------------------------------------------------------------------------------
// What HubSpot answers (only the fields setup reads; everything else passes through)
// ---------------------------------------------------------------------------------------------

const hubspotOption = z.looseObject({
  label: z.string(),
  value: z.string(),
  displayOrder: z.number().nullish(),
  hidden: z.boolean().nullish(),
});

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

const results = <T extends z.ZodType>(item: T) => z.looseObject({ results: z.array(item) });
const created = z.looseObject({ name: z.string() });
const anything = z.unknown();

// ---------------------------------------------------------------------------------------------

export function createSetupApi(request: HubSpotRequest): HubSpotSetupApi {
  const send = async (method: HubSpotMethod, path: string, schema: z.ZodType, body?: unknown): Promise<void> => {
    await requestJson(request, method, path, schema, body);
  };
  const properties = (objectType: string, ...rest: string[]) => versionedPath('crm/properties', objectType, ...rest);
  const schemas = (...rest: string[]) => versionedPath('crm-object-schemas', 'schemas', ...rest);

  return {
    propertyGroups: async (objectType) => (await requestJson(request, 'GET', properties(objectType, 'groups'), results(hubspotGroup))).results,
    createPropertyGroup: (objectType, group) => send('POST', properties(objectType, 'groups'), created, group),
    updatePropertyGroup: (objectType, groupName, patch) => send('PATCH', properties(objectType, 'groups', groupName), anything, patch),
    properties: async (objectType) => (await requestJson(request, 'GET', properties(objectType), results(hubspotProperty))).results,
    createProperty: (objectType, property) => send('POST', properties(objectType), created, property),
    updateProperty: (objectType, propertyName, patch) => send('PATCH', properties(objectType, propertyName), anything, patch),
    objectSchemas: async () => (await requestJson(request, 'GET', schemas(), results(hubspotSchema))).results,
    objectSchema: (objectTypeId) => requestJson(request, 'GET', schemas(objectTypeId), hubspotSchema),
    createObjectSchema: (schema) => send('POST', schemas(), hubspotSchema, schema),
    updateObjectSchema: (objectTypeId, patch) => send('PATCH', schemas(objectTypeId), anything, patch),
    createSchemaAssociation: (objectTypeId, association) => send('POST', schemas(objectTypeId, 'associations'), anything, association),
  };
}
