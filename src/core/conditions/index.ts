// Public face of the condition language: parse once, then evaluate against a record's properties.
export { MAX_NESTING, parseCondition } from './parse.ts';
export type { ConditionError, ParseResult } from './parse.ts';
export { compareValues } from './evaluate.ts';
