// Parses condition text into a compiled Condition, or a short human error with its column.
import type { Condition } from '../types.ts';
import { compile } from './evaluate.ts';
import { parser, RESERVED_WORDS } from './grammar.ts';
import type { Node } from './grammar.ts';

export interface ConditionError {
  readonly message: string;
  /** 1-based, counted in UTF-16 code units from the start of the condition text (newlines included). */
  readonly column: number;
}

export type ParseResult = { ok: true; condition: Condition } | { ok: false; error: ConditionError };

/**
 * How many groups and NOTs may enclose one another. Parsing, compiling and evaluating each recurse once
 * per level, and a few thousand levels overflow the stack; 64 is far beyond any condition a person writes
 * and far below any stack (docs/decisions.md, "Condition nesting").
 */
export const MAX_NESTING = 64;

export function parseCondition(source: string): ParseResult {
  let tree: Node;
  try {
    tree = parser.parse(source, { maxNesting: MAX_NESTING }) as Node;
  } catch (e) {
    if (e instanceof parser.SyntaxError) return { ok: false, error: describe(source, e) };
    throw e;
  }
  return { ok: true, condition: compile(source, tree) };
}

type PeggyError = InstanceType<typeof parser.SyntaxError>;

function describe(source: string, e: PeggyError): ConditionError {
  const offset = e.location.start.offset;
  const column = offset + 1;
  // error() in the grammar (an unterminated string) carries its own complete message.
  if (e.expected === null) return { message: e.message, column };

  // Every rule that can fail at a token is named (grammar.ts), so an expectation is a description or the end.
  // peggy lists them in the grammar's order of alternatives, which reads right: "KNOWN or UNKNOWN", "',' or ')'".
  const wanted = new Set<string>();
  for (const x of e.expected) if (x.type === 'other') wanted.add(x.description);
  // AND/OR (and the end) may always follow a complete test; name them only when nothing else is required.
  if ([...wanted].some((w) => w !== 'AND' && w !== 'OR')) {
    wanted.delete('AND');
    wanted.delete('OR');
  }

  const tokens = tokenize(source);
  const previous = previousToken(tokens, offset);
  // With nothing before it, the error is where the condition itself should start.
  // At most two things are ever expected ("an operator or ')'"), so "or" is the only joint needed.
  let message = previous === null ? 'expected a condition' : `expected ${[...wanted].join(' or ')} after ${previous}`;
  // peggy fails only after skipping blanks, so an error sits at the start of a token or at the end of the text.
  const found = tokens.find((t) => t.start === offset);
  if (found !== undefined) message += `, found ${showFound(found)}`;
  return { message, column };
}

// A lexer for messages only: it names the tokens around an error the way a user sees them, never decides validity.
interface Token {
  readonly start: number;
  readonly text: string;
  /** Quoted text, shown with its own quotes. */
  readonly quoted: boolean;
}

const TOKEN = /\s+|'(?:\\['"\\]|[^'])*'?|"(?:\\['"\\]|[^"])*"?|[A-Za-z0-9_.-]+|[=!<>]+|[^]/gy;
const KEYWORDS: ReadonlySet<string> = new Set(RESERVED_WORDS.filter((w) => w !== 'true' && w !== 'false'));

function tokenize(source: string): Token[] {
  // Every alternative matches at least one character, so the sticky matches cover the whole text.
  return [...source.matchAll(TOKEN)]
    .filter((m) => !/^\s/.test(m[0]))
    .map((m) => ({ start: m.index, text: m[0], quoted: m[0][0] === "'" || m[0][0] === '"' }));
}

/** Two-word operators read better whole: "after STARTS WITH", "after NOT IN". */
function previousToken(tokens: readonly Token[], offset: number): string | null {
  const before = tokens.filter((t) => t.start < offset);
  const last = before[before.length - 1];
  if (last === undefined) return null;
  const prior = before[before.length - 2];
  if (prior !== undefined && isKeyword(last) && isKeyword(prior)) {
    const pair = `${prior.text} ${last.text}`.toUpperCase();
    if (pair === 'STARTS WITH' || pair === 'ENDS WITH' || pair === 'NOT IN') return pair;
  }
  return isKeyword(last) ? last.text.toUpperCase() : showFound(last);
}

/** Quoted text starts with its quote, so only a word can be a keyword. */
function isKeyword(t: Token): boolean {
  return KEYWORDS.has(t.text.toLowerCase());
}

const MAX_SHOWN = 24;

/**
 * Shown as written (keywords too: a misplaced one reads as text, `found 'or'`), quoted text with its own
 * quotes, anything else in single quotes.
 */
function showFound(t: Token): string {
  const clipped = t.text.length > MAX_SHOWN ? `${t.text.slice(0, MAX_SHOWN - 1)}…` : t.text;
  return t.quoted ? clipped : `'${clipped}'`;
}
