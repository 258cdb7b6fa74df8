// A required field's error props, shown only once the user has tried to go on without it.

export function requiredProps(missing: boolean, message: string): { error: boolean; validationMessage: string | undefined } {
  return { error: missing, validationMessage: missing ? message : undefined };
}
