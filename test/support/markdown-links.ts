// Relative links in Markdown pages: finds them (outside code), computes heading anchors as GitHub does, and reports every link that does not resolve.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';

export interface MarkdownLink {
  readonly target: string;
  readonly line: number;
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

/** The page's lines with fenced code blocks blanked (links and headings inside code are not links or headings). */
function linesOutsideCode(markdown: string): string[] {
  let fence: string | null = null;
  return markdown.split('\n').map((line) => {
    const match = FENCE.exec(line);
    if (fence === null && match !== null) {
      fence = match[1]!;
      return '';
    }
    if (fence !== null) {
      if (match !== null && match[1]![0] === fence[0] && match[1]!.length >= fence.length) fence = null;
      return '';
    }
    return line;
  });
}

const withoutInlineCode = (line: string): string => line.replace(/(`+)[^`]*?\1/g, '');

const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;

/** Every link target in the page, with its line (1-based), outside code blocks and code spans. */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  linesOutsideCode(markdown).forEach((raw, index) => {
    const line = withoutInlineCode(raw);
    const found = [...line.matchAll(INLINE_LINK)].map((m) => m[1]!);
    const definition = REFERENCE_DEFINITION.exec(line);
    if (definition !== null) found.push(definition[1]!);
    for (const target of found) links.push({ target: target.replace(/^<|>$/g, ''), line: index + 1 });
  });
  return links;
}

/** GitHub's anchor for a heading: its text as rendered, lower-cased, punctuation dropped, spaces to hyphens. */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '');
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a page offers: its headings' slugs (repeats get -1, -2, ... as on GitHub) and explicit id/name anchors. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of linesOutsideCode(markdown)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (heading !== null) {
      const base = headingSlug(heading[1]!);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    for (const m of line.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

const inside = (folder: string, path: string) => path === folder || path.startsWith(folder + sep);

/**
 * The problems of one page's relative links: a target that does not exist, an anchor the target page does not
 * have, or a target outside the repository. The only place outside it a link may point to is `../shared`, the
 * specs every checkout has beside it (CI too).
 */
export function brokenLinks(page: string, root: string): string[] {
  const markdown = readFileSync(page, 'utf8');
  const shared = resolve(root, '..', 'shared');
  const name = relative(root, page);
  const problems: string[] = [];
  for (const { target, line } of markdownLinks(markdown)) {
    if (isExternal(target)) continue;
    const at = `${name}:${line}: ${target}`;
    const hash = target.indexOf('#');
    const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
    const file = pathPart === '' ? page : resolve(dirname(page), pathPart);
    if (!inside(root, file) && !inside(shared, file)) {
      problems.push(`${at}: points outside the repository (only ../shared, the specs beside it, may be linked)`);
      continue;
    }
    if (!existsSync(file)) {
      const where = inside(shared, file) ? ` (is ../shared beside the checkout? ${shared})` : '';
      problems.push(`${at}: no such file or folder${where}`);
      continue;
    }
    if (anchor === null) continue;
    if (statSync(file).isDirectory() || !file.endsWith('.md')) {
      problems.push(`${at}: #${anchor} on something that is not a Markdown page`);
      continue;
    }
    if (!headingAnchors(readFileSync(file, 'utf8')).has(anchor)) {
      problems.push(`${at}: ${relative(root, file)} has no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}
