// JSON text from outside (webhook bodies, events and records files): parsed by JSON.parse, errors located by jsonc-parser.
import { parse, printParseErrorCode } from 'jsonc-parser';
import type { ParseError } from 'jsonc-parser';
import type { Problem } from '../core/problems.ts';

export interface JsonSyntaxError {
  /** 0-based offset, and 1-based line and column, of the first syntax error. */
  readonly position: number;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export type JsonTextResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: JsonSyntaxError };

const MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after a property name",
  CommaExpected: "expected ',' or a closing bracket",
  CloseBraceExpected: "expected ',' or '}'",
  CloseBracketExpected: "expected ',' or ']'",
  EndOfFileExpected: 'unexpected text after the JSON value',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'comments are not JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'malformed number',
  InvalidUnicode: 'malformed \\u escape',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidCharacter: 'control character in a string',
};

/**
 * JSON.parse decides what is valid; when it refuses, jsonc-parser (strict settings) says where, because
 * V8's messages omit the position for an unexpected token and quote the input, personal data included.
 */
export function parseJsonText(text: string): JsonTextResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const errors: ParseError[] = [];
    try {
      parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    } catch {
      // jsonc-parser recurses: absurd nesting overflows its stack before it finds the error.
      return { ok: false, error: { position: text.length, ...lineAndColumn(text, text.length), message: 'nested too deeply' } };
    }
    const first = errors[0];
    const position = first?.offset ?? text.length;
    const message = first ? (MESSAGES[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)) : text.trim() === '' ? 'no JSON value' : String((e as Error).message);
    return { ok: false, error: { position, ...lineAndColumn(text, position), message } };
  }
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

function describeJsonError(e: JsonSyntaxError): string {
  return `invalid JSON at line ${e.line}, column ${e.column}: ${e.message}`;
}

/** A file's syntax error as a problem located at the file (the message says the line and column). */
export function jsonSyntaxProblem(sourceName: string, error: JsonSyntaxError): Problem {
  return { code: 'syntax', path: [sourceName], message: describeJsonError(error) };
}

/** Editors on Windows may start a UTF-8 file with a byte order mark, which JSON.parse refuses. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
