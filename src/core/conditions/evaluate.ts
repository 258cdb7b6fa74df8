// Compiles a condition's syntax tree once into closures, and the value comparisons they share (contract §2).
import type { Condition, Properties } from '../types.ts';
import type { CompareOp, Node, TextOp } from './grammar.ts';

type Test = (props: Properties) => boolean;

export function compile(source: string, tree: Node): Condition {
  const names: string[] = [];
  const evaluate = build(tree, names);
  return Object.freeze({ source, properties: Object.freeze(names), evaluate });
}

function build(node: Node, names: string[]): Test {
  // Children are built left to right, so `names` records first use in source order.
  switch (node.type) {
    case 'or':
      return any(node.items.map((n) => build(n, names)));
    case 'and':
      return all(node.items.map((n) => build(n, names)));
    case 'not': {
      const inner = build(node.item, names);
      return (p) => !inner(p);
    }
  }
  if (!names.includes(node.name)) names.push(node.name);
  const name = node.name;
  switch (node.type) {
    case 'known':
      return node.known ? (p) => isKnown(p.get(name)) : (p) => !isKnown(p.get(name));
    case 'bare':
      // A bare name reads the value as a HubSpot boolean: "true" in any case, so a hand-typed "TRUE" counts.
      // `x = true` stays an exact string test like every other `=`.
      return (p) => p.get(name)?.toLowerCase() === 'true';
    case 'cmp':
      return comparison(name, node.op, node.value);
    case 'in':
      return membership(name, node.values, node.negated);
    case 'text':
      return textTest(name, node.op, node.value);
  }
}

function all(tests: readonly Test[]): Test {
  return (p) => tests.every((t) => t(p));
}

function any(tests: readonly Test[]): Test {
  return (p) => tests.some((t) => t(p));
}

/** An empty value is unknown (contract §2), exactly like a missing one. */
function isKnown(v: string | undefined): v is string {
  return v !== undefined && v !== '';
}

// Every test below is false on an unknown value, whatever its operator: that is the contract, not a default.

function comparison(name: string, op: CompareOp, literal: string): Test {
  const order = orderAgainst(literal);
  switch (op) {
    case '=':
      return (p) => {
        const v = p.get(name);
        return isKnown(v) && order(v) === 0;
      };
    case '!=':
      return (p) => {
        const v = p.get(name);
        return isKnown(v) && order(v) !== 0;
      };
    case '<':
      return (p) => {
        const v = p.get(name);
        return isKnown(v) && order(v) < 0;
      };
    case '<=':
      return (p) => {
        const v = p.get(name);
        return isKnown(v) && order(v) <= 0;
      };
    case '>':
      return (p) => {
        const v = p.get(name);
        return isKnown(v) && order(v) > 0;
      };
    case '>=':
      return (p) => {
        const v = p.get(name);
        return isKnown(v) && order(v) >= 0;
      };
  }
}

function membership(name: string, literals: readonly string[], negated: boolean): Test {
  // The equality of `=`, literal by literal: one definition, so "04" IN (4) and -0 IN (0) agree with `=`.
  const orders = literals.map(orderAgainst);
  const member = (v: string) => orders.some((order) => order(v) === 0);
  return negated
    ? (p) => {
        const v = p.get(name);
        return isKnown(v) && !member(v);
      }
    : (p) => {
        const v = p.get(name);
        return isKnown(v) && member(v);
      };
}

function textTest(name: string, op: TextOp, literal: string): Test {
  // Case-insensitive by lower-casing both sides (locale-independent); the literal is lowered once here.
  const needle = literal.toLowerCase();
  switch (op) {
    case 'contains':
      return (p) => {
        const v = p.get(name);
        return isKnown(v) && v.toLowerCase().includes(needle);
      };
    case 'starts':
      return (p) => {
        const v = p.get(name);
        return isKnown(v) && v.toLowerCase().startsWith(needle);
      };
    case 'ends':
      return (p) => {
        const v = p.get(name);
        return isKnown(v) && v.toLowerCase().endsWith(needle);
      };
  }
}

/**
 * Orders a value against a fixed literal: numerically when both read as decimals, else by UTF-16 code
 * units (JavaScript's own string order). Returns <0, 0 or >0 as the value sorts before, with or after it.
 */
export function orderAgainst(literal: string): (value: string) => number {
  const byText = (v: string) => compare(v, literal);
  const weight = decimalWeight(literal);
  if (weight < 0) return byText;
  const exact = canonical(literal);
  if (weight > FLOAT_SAFE_DIGITS) {
    return (v) => (decimalWeight(v) < 0 ? byText(v) : compareCanonical(canonical(v), exact));
  }
  const n = Number(literal);
  return (v) => {
    const w = decimalWeight(v);
    if (w < 0) return byText(v);
    if (w > FLOAT_SAFE_DIGITS) return compareCanonical(canonical(v), exact);
    return compare(Number(v), n);
  };
}

/** -1, 0 or 1 as `a` sorts before, with or after `b`: JavaScript's own order of numbers or of UTF-16 code units. */
function compare<T extends number | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two property-style values with the `=`/`<` rules of contract §2. */
export function compareValues(a: string, b: string): number {
  return orderAgainst(b)(a);
}

/**
 * Up to 15 digits between the first and last non-zero digit, counted from the decimal point (so also no
 * tiny magnitudes), every decimal maps to a distinct double in the same order: Number is exact there.
 */
const FLOAT_SAFE_DIGITS = 15;

/**
 * -1 when `s` is not a decimal (`[+-]?digits(.digits)?`); otherwise the count of digits that float
 * exactness depends on: integer digits after leading zeros plus fraction digits before trailing zeros.
 */
export function decimalWeight(s: string): number {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 45 || c === 43) i = 1; // '-' or '+'
  const intStart = i;
  let firstNonZero = -1;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (firstNonZero < 0 && c !== 48) firstNonZero = i;
  }
  if (i === intStart) return -1;
  let weight = firstNonZero < 0 ? 0 : i - firstNonZero;
  if (i === n) return weight;
  if (c !== 46) return -1; // '.'
  const fracStart = ++i;
  let lastNonZero = -1;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    if (c !== 48) lastNonZero = i;
  }
  if (i === fracStart) return -1;
  if (lastNonZero >= 0) weight += lastNonZero - fracStart + 1;
  return weight;
}

interface Canonical {
  readonly negative: boolean;
  /** No leading zeros; "" for zero. */
  readonly int: string;
  /** No trailing zeros. */
  readonly frac: string;
}

/** Only for strings that `decimalWeight` accepted. */
function canonical(s: string): Canonical {
  const signed = s[0] === '-' || s[0] === '+';
  const body = signed ? s.slice(1) : s;
  const dot = body.indexOf('.');
  const end = dot === -1 ? body.length : dot;
  const int = body.slice(0, end).replace(/^0+/, '');
  const frac = body.slice(end + 1).replace(/0+$/, '');
  // The sign of a zero never decides: these forms only meet when one side has more than 15 digits, so is not 0.
  return { negative: s[0] === '-', int, frac };
}

function compareCanonical(a: Canonical, b: Canonical): number {
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  const magnitude = compareMagnitude(a, b);
  return a.negative ? -magnitude : magnitude;
}

function compareMagnitude(a: Canonical, b: Canonical): number {
  // Without leading zeros the longer integer part is larger, and equal lengths sort as text; without
  // trailing zeros, digit strings after the point sort as their fractions do.
  return compare(a.int.length, b.int.length) || compare(a.int, b.int) || compare(a.frac, b.frac);
}
