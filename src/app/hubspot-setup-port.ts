// What `hubspot setup` reads from and sends to a portal's property and custom-object schema APIs (the port the setup adapter implements), and the definitions it brings the portal in line with.
import type { CrmObjectType } from './hubspot-ports.ts';

// ---------------------------------------------------------------------------------------------
// What the portal should hold (property-definitions/*.json, checked by its adapter)
// ---------------------------------------------------------------------------------------------

export interface WantedOption {
  readonly label: string;
  readonly value: string;
  readonly displayOrder: number;
  readonly hidden: boolean;
  readonly description?: string;
}

export interface WantedProperty {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly type: string;
  readonly fieldType: string;
  readonly formField?: boolean;
  readonly hidden?: boolean;
  readonly displayOrder?: number;
  readonly hasUniqueValue?: boolean;
  readonly options?: readonly WantedOption[];
}

export interface WantedGroup {
  readonly name: string;
  readonly label: string;
  readonly displayOrder?: number;
}

/** The custom object's associations, by HubSpot's object names. */
export type AssociatedObject = 'CONTACT' | 'DEAL' | 'TICKET';

export interface WantedVerificationLog {
  readonly name: string;
  readonly description: string;
  readonly labels: { readonly singular: string; readonly plural: string };
  readonly primaryDisplayProperty: string;
  readonly secondaryDisplayProperties: readonly string[];
  readonly requiredProperties: readonly string[];
  readonly searchableProperties: readonly string[];
  readonly associatedObjects: readonly AssociatedObject[];
  readonly properties: readonly WantedProperty[];
}

export interface WantedDefinitions {
  readonly billing: { readonly objectTypes: readonly CrmObjectType[]; readonly group: WantedGroup; readonly properties: readonly WantedProperty[] };
  readonly verificationLog: WantedVerificationLog;
}

// ---------------------------------------------------------------------------------------------
// What the portal holds (only the fields setup reads)
// ---------------------------------------------------------------------------------------------

export interface ExistingOption {
  readonly label: string;
  readonly value: string;
  readonly displayOrder?: number | null;
  readonly hidden?: boolean | null;
}

export interface ExistingProperty {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly fieldType: string;
  readonly groupName: string;
  readonly description?: string | null;
  readonly options?: readonly ExistingOption[] | null;
  readonly hasUniqueValue?: boolean | null;
  readonly formField?: boolean | null;
  readonly hidden?: boolean | null;
  readonly displayOrder?: number | null;
}

export interface ExistingGroup {
  readonly name: string;
  readonly label: string;
  readonly displayOrder?: number | null;
}

export interface ExistingSchema {
  readonly name: string;
  readonly objectTypeId: string;
  readonly archived?: boolean | null;
  readonly labels?: { readonly singular?: string | null; readonly plural?: string | null } | null;
  readonly description?: string | null;
  readonly primaryDisplayProperty?: string | null;
  readonly secondaryDisplayProperties?: readonly string[] | null;
  readonly requiredProperties?: readonly string[] | null;
  readonly searchableProperties?: readonly string[] | null;
  /** Some list answers leave them out; a single schema's answer always has them. */
  readonly associations?: readonly { readonly fromObjectTypeId: string; readonly toObjectTypeId: string }[] | null;
}

/** Only the fields being changed; HubSpot leaves the others as they are. */
export type Patch = Readonly<Record<string, unknown>>;

export interface NewAssociation {
  readonly fromObjectTypeId: string;
  readonly toObjectTypeId: string;
  readonly name: string;
}

/**
 * The calls setup makes, by object type name or id (`contacts`, `2-7001`). Each resolves once HubSpot
 * has answered 2xx in the expected shape, and rejects with a HubSpotError otherwise (hubspot-errors.ts).
 */
export interface HubSpotSetupApi {
  propertyGroups(objectType: string): Promise<readonly ExistingGroup[]>;
  createPropertyGroup(objectType: string, group: WantedGroup): Promise<void>;
  updatePropertyGroup(objectType: string, groupName: string, patch: Patch): Promise<void>;
  properties(objectType: string): Promise<readonly ExistingProperty[]>;
  createProperty(objectType: string, property: WantedProperty & { readonly groupName: string }): Promise<void>;
  updateProperty(objectType: string, propertyName: string, patch: Patch): Promise<void>;
  objectSchemas(): Promise<readonly ExistingSchema[]>;
  objectSchema(objectTypeId: string): Promise<ExistingSchema>;
  createObjectSchema(schema: WantedVerificationLog): Promise<void>;
  updateObjectSchema(objectTypeId: string, patch: Patch): Promise<void>;
  createSchemaAssociation(objectTypeId: string, association: NewAssociation): Promise<void>;
}
