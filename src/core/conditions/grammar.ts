// The condition language (contract §2) as a peggy grammar, compiled once at load into a parser of our own text.
import peggy from 'peggy';

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type TextOp = 'contains' | 'starts' | 'ends';

/** The syntax tree the grammar's actions build; literals are kept as text, their meaning is the evaluator's. */
export type Node =
  | { readonly type: 'or' | 'and'; readonly items: readonly Node[] }
  | { readonly type: 'not'; readonly item: Node }
  | { readonly type: 'bare'; readonly name: string }
  | { readonly type: 'known'; readonly name: string; readonly known: boolean }
  | { readonly type: 'cmp'; readonly name: string; readonly op: CompareOp; readonly value: string }
  | { readonly type: 'in'; readonly name: string; readonly negated: boolean; readonly values: readonly string[] }
  | { readonly type: 'text'; readonly name: string; readonly op: TextOp; readonly value: string };

/**
 * Words that cannot name a property, case-insensitively. `true`/`false` are literals, reserved so that a
 * bare `true` is an error rather than a test of a property called "true".
 */
export const RESERVED_WORDS = [
  'and', 'or', 'not', 'is', 'known', 'unknown', 'in', 'contains', 'starts', 'ends', 'with', 'true', 'false',
] as const;

/**
 * Error messages are built from the expectations at the failure point (see parse.ts), so every rule that
 * can fail at a token boundary is named with the words a user should read, and the whitespace rule is
 * named so that it never shows up as an expectation. A named rule hides what fails inside it, which is why
 * operands and operators are introduced by named lookaheads instead of naming the whole construct: once
 * the lookahead passes, deeper failures (a missing ')' or literal) are still reported where they happen.
 */
export const GRAMMAR = String.raw`
{
  // Groups and NOTs that enclose the point being parsed, counted afresh for each parse. A group or NOT that
  // fails fails the whole parse (nothing else can start with '(' or NOT), so a count a failure leaves
  // behind is never read again.
  let depth = 0;

  // Parsing recurses once per level, so the limit (options.maxNesting, parse.ts) is checked on the way
  // down: past it the parse stops with one message at the '(' or NOT that opened the level too many.
  function deeper(at) {
    depth += 1;
    if (depth > options.maxNesting) error('nested too deep: at most ' + options.maxNesting + ' levels of parentheses and NOT', at);
    return true;
  }

  function shallower() {
    depth -= 1;
    return true;
  }
}

Condition
  = _ @Or _

Or
  = head:And tail:(_ OrKw _ @And)* { return tail.length === 0 ? head : { type: 'or', items: [head, ...tail] }; }

And
  = head:Unary tail:(_ AndKw _ @Unary)* { return tail.length === 0 ? head : { type: 'and', items: [head, ...tail] }; }

Unary
  = OperandStart @(Negation / Group / Test)

OperandStart "a value"
  = &(NotKw / Open / Name)

Negation
  = at:Here NotKw &{ return deeper(at); } _ item:Unary &{ return shallower(); } { return { type: 'not', item }; }

Group
  = at:Here Open &{ return deeper(at); } _ inner:Or _ Close &{ return shallower(); } { return inner; }

// Where the next token starts, for a message placed at it.
Here
  = "" { return location(); }

Test
  = name:Name _ test:Operation? { return test === null ? { type: 'bare', name } : { ...test, name }; }

Operation
  = OperatorStart @Operator

OperatorStart "an operator"
  = &(CompareOp / IsKw / NotKw / InKw / ContainsKw / StartsKw / EndsKw)

Operator
  = op:CompareOp _ value:Literal { return { type: 'cmp', op, value }; }
  / IsKw _ known:Known { return { type: 'known', known }; }
  / NotKw _ InKw _ values:List { return { type: 'in', negated: true, values }; }
  / InKw _ values:List { return { type: 'in', negated: false, values }; }
  / ContainsKw _ value:Literal { return { type: 'text', op: 'contains', value }; }
  / StartsKw _ WithKw _ value:Literal { return { type: 'text', op: 'starts', value }; }
  / EndsKw _ WithKw _ value:Literal { return { type: 'text', op: 'ends', value }; }

// Greedy so that '==' or '=>' is reported as one unknown operator, not as '=' followed by garbage.
CompareOp "an operator"
  = op:$[=!<>]+ {
      if (op !== '=' && op !== '!=' && op !== '<' && op !== '<=' && op !== '>' && op !== '>=') expected('an operator');
      return op;
    }

Known
  = KnownKw { return true; }
  / UnknownKw { return false; }

List
  = Open _ head:Literal tail:(_ Comma _ @Literal)* _ Close { return [head, ...tail]; }

Literal "a literal (quoted text or a number)"
  = Quoted
  / Number
  / TrueKw { return 'true'; }
  / FalseKw { return 'false'; }

// Only the quote and the backslash can be escaped; any other backslash is kept as written (paths, regex-looking text).
Quoted
  = "'" chars:("\\" @['"\\] / [^'])* "'" { return chars.join(''); }
  / '"' chars:("\\" @['"\\] / [^"])* '"' { return chars.join(''); }
  / quote:['"] .* { const at = location().start; error('unterminated string (missing closing ' + quote + ')', { source: location().source, start: at, end: at }); }

Number
  = @$("-"? [0-9]+ ("." [0-9]+)?) !IdentChar

Name "a property name"
  = !Reserved @$([A-Za-z_] IdentChar*)

Reserved
  = ("and"i / "or"i / "not"i / "is"i / "known"i / "unknown"i / "in"i / "contains"i / "starts"i / "ends"i / "with"i / "true"i / "false"i) !IdentChar

IdentChar
  = [A-Za-z0-9_.\-]

AndKw "AND" = "and"i !IdentChar
OrKw "OR" = "or"i !IdentChar
NotKw "NOT" = "not"i !IdentChar
IsKw "IS" = "is"i !IdentChar
KnownKw "KNOWN" = "known"i !IdentChar
UnknownKw "UNKNOWN" = "unknown"i !IdentChar
InKw "IN" = "in"i !IdentChar
ContainsKw "CONTAINS" = "contains"i !IdentChar
StartsKw "STARTS" = "starts"i !IdentChar
EndsKw "ENDS" = "ends"i !IdentChar
WithKw "WITH" = "with"i !IdentChar
TrueKw "true" = "true"i !IdentChar
FalseKw "false" = "false"i !IdentChar

Open "'('" = "("
Close "')'" = ")"
Comma "','" = ","

_ "whitespace"
  = [ \t\r\n]*
`;

/** Built once: peggy compiles only the grammar above, never condition text. */
export const parser = peggy.generate(GRAMMAR);
