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

export function parseCondition(source: string): ParseResult {
  let tree: Node;
  try {
    tree = parser.parse(source) as Node;
  } catch (e) {
    if (e instanceof parser.SyntaxError) return { ok: false, error: describe(source, e) };
    throw e;
  }
  return { ok: true, condition: compile(source, tree) };
}

type PeggyError = InstanceType<typeof parser.SyntaxError>;

/** Fixed order so that a message never depends on the order peggy happened to try alternatives. */
const EXPECTATION_ORDER = [
  'a value',
  'a property name',
  'an operator',
  'a literal (quoted text or a number)',
  'KNOWN',
  'UNKNOWN',
  'NOT',
  'IN',
  'WITH',
  "'('",
  "','",
  "')'",
  'AND',
  'OR',
];

function describe(source: string, e: PeggyError): ConditionError {
  const offset = e.location.start.offset;
  const column = offset + 1;
  // error() in the grammar (an unterminated string) carries its own complete message.
  if (e.expected === null) return { message: e.message, column };

  const wanted = new Set<string>();
  for (const x of e.expected) {
    if (x.type === 'other') wanted.add(x.description);
    else if (x.type === 'literal') wanted.add(`'${x.text}'`);
    else if (x.type !== 'end') wanted.add('something else');
  }
  // AND/OR (and the end) may always follow a complete test; name them only when nothing else is required.
  if ([...wanted].some((w) => w !== 'AND' && w !== 'OR')) {
    wanted.delete('AND');
    wanted.delete('OR');
  }
  const rank = (w: string) => {
    const i = EXPECTATION_ORDER.indexOf(w);
    return i < 0 ? EXPECTATION_ORDER.length : i;
  };
  const items = [...wanted].sort((a, b) => rank(a) - rank(b));

  const tokens = tokenize(source);
  const previous = previousToken(tokens, offset);
  const found = tokens.find((t) => t.start <= offset && offset < t.end);
  if (items.length === 1 && items[0] === 'a value' && previous === null) items[0] = 'a condition';

  let message = `expected ${items.length === 0 ? 'the end of the condition' : joinOr(items)}`;
  if (previous !== null) message += ` after ${previous}`;
  if (found !== undefined) message += `, found ${showFound(found, source.slice(offset, found.end))}`;
  return { message, column };
}

function joinOr(items: readonly string[]): string {
  if (items.length === 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

// A lexer for messages only: it names the tokens around an error the way a user sees them, never decides validity.
interface Token {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly kind: 'word' | 'string' | 'symbol';
}

const TOKEN = /\s+|'(?:\\['"\\]|[^'])*'?|"(?:\\['"\\]|[^"])*"?|[A-Za-z0-9_.-]+|[=!<>]+|[^]/gy;
const KEYWORDS: ReadonlySet<string> = new Set(RESERVED_WORDS.filter((w) => w !== 'true' && w !== 'false'));

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(source); m !== null && m[0] !== ''; m = TOKEN.exec(source)) {
    const text = m[0];
    if (/^\s/.test(text)) continue;
    const kind = text[0] === "'" || text[0] === '"' ? 'string' : /^[A-Za-z0-9_.-]/.test(text) ? 'word' : 'symbol';
    tokens.push({ start: m.index, end: m.index + text.length, text, kind });
  }
  return tokens;
}

/** Two-word operators read better whole: "after STARTS WITH", "after NOT IN". */
function previousToken(tokens: readonly Token[], offset: number): string | null {
  const before = tokens.filter((t) => t.end <= offset);
  const last = before[before.length - 1];
  if (last === undefined) return null;
  const shown = show(last, last.text);
  const prior = before[before.length - 2];
  if (prior !== undefined && isKeyword(last) && isKeyword(prior)) {
    const pair = `${prior.text} ${last.text}`.toUpperCase();
    if (pair === 'STARTS WITH' || pair === 'ENDS WITH' || pair === 'NOT IN') return pair;
  }
  return shown;
}

function isKeyword(t: Token): boolean {
  return t.kind === 'word' && KEYWORDS.has(t.text.toLowerCase());
}

const MAX_SHOWN = 24;

/** Keywords uppercased, quoted text as written (it carries its own quotes), anything else in single quotes. */
function show(t: Token, text: string): string {
  if (isKeyword(t)) return text.toUpperCase();
  return showFound(t, text);
}

/** What was found is shown as written, so a misplaced keyword reads as text: `found 'or'`. */
function showFound(t: Token, text: string): string {
  const clipped = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
  return t.kind === 'string' ? clipped : `'${clipped}'`;
}
