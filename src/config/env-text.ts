// Environment values as the config schemas read them: what counts as not set.

/** An empty or blank variable is unset, as a shell's `VAR=` means: the schema's default then applies. */
export const unsetIfEmpty = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);
