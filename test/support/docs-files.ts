import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './spawn';

/** Where the documentation lives, and where its screenshots go (made by test/browser/docs-screenshots.browser.test.ts). */
export const DOCS_DIR = path.join(ROOT, 'docs');
export const DOC_IMAGES_DIR = path.join(DOCS_DIR, 'images');

/** README.md and every Markdown file under docs/, as paths relative to the repository. */
export function markdownFiles(): string[] {
  const found: string[] = ['README.md'];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) found.push(path.relative(ROOT, full));
    }
  };
  walk(DOCS_DIR);
  return found.sort();
}

export interface DocLink {
  /** The Markdown file it is written in, relative to the repository. */
  file: string;
  line: number;
  /** As written: `guide/squad-leader.md#草稿`, `../images/x.png`. */
  target: string;
  image: boolean;
}

/**
 * Every link and image in a Markdown file: `[text](target)`, `![alt](target)`
 * and `<img src="target">`, outside fenced code blocks and inline code.
 */
export function linksIn(file: string, text = fs.readFileSync(path.join(ROOT, file), 'utf8')): DocLink[] {
  const links: DocLink[] = [];
  let fenced = false;
  text.split('\n').forEach((raw, i) => {
    if (/^\s*```/.test(raw)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    const line = raw.replace(/`[^`]*`/g, '');
    for (const m of line.matchAll(/(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ file, line: i + 1, target: m[2], image: m[1] === '!' });
    }
    for (const m of line.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/g))
      links.push({ file, line: i + 1, target: m[1], image: true });
  });
  return links;
}

/** A link to another site or an e-mail address (not checked here). */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

/** The file a relative link points to (anchor dropped), as an absolute path. */
export function resolveLink(link: DocLink): { file: string; anchor: string | null } {
  const [rawPath, anchor] = link.target.split('#', 2);
  const file =
    rawPath === ''
      ? path.join(ROOT, link.file)
      : path.resolve(path.dirname(path.join(ROOT, link.file)), decodeURIComponent(rawPath));
  return { file, anchor: anchor === undefined ? null : decodeURIComponent(anchor) };
}

/**
 * The anchors GitHub makes for a Markdown file's headings: lower case, spaces
 * to hyphens, punctuation other than hyphens and underscores dropped (CJK
 * characters stay), a repeated heading numbered `-1`, `-2` …
 */
export function headingAnchors(file: string, text = fs.readFileSync(file, 'utf8')): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    const m = !fenced && line.match(/^#{1,6}\s+(.*?)\s*#*\s*$/);
    if (!m) continue;
    const slug = m[1]
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** The screenshots the documentation shows: file names under docs/images/, each referenced from some Markdown file. */
export function referencedImages(): Map<string, DocLink[]> {
  const images = new Map<string, DocLink[]>();
  for (const file of markdownFiles()) {
    for (const link of linksIn(file)) {
      if (!link.image || isExternal(link.target)) continue;
      const { file: target } = resolveLink(link);
      const key = path.relative(DOC_IMAGES_DIR, target);
      images.set(key, [...(images.get(key) ?? []), link]);
    }
  }
  return images;
}
