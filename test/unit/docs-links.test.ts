import fs from 'node:fs';
import path from 'node:path';
import {
  DOC_IMAGES_DIR,
  type DocLink,
  headingAnchors,
  isExternal,
  linksIn,
  markdownFiles,
  resolveLink,
} from '../support/docs-files';
import { ROOT } from '../support/spawn';

/**
 * The README and docs/ hold together: every relative link points at a file
 * that exists (and a heading that exists, when it names one), and every image
 * is one of the screenshots under docs/images/. The browser test
 * docs-screenshots checks that it also makes each of those screenshots.
 */

function problemOf(link: DocLink): string | null {
  if (isExternal(link.target)) return null;
  const where = `${link.file}:${link.line} → ${link.target}`;
  const { file, anchor } = resolveLink(link);
  if (!file.startsWith(ROOT + path.sep) && file !== ROOT) return `${where}: outside the repository`;
  if (!fs.existsSync(file)) return `${where}: no such file`;
  if (link.image && path.dirname(file) !== DOC_IMAGES_DIR) return `${where}: images live in docs/images/`;
  if (anchor !== null && file.endsWith('.md') && !headingAnchors(file).has(anchor))
    return `${where}: no heading #${anchor}`;
  return null;
}

it('finds the documentation: the README and the pages under docs/', () => {
  const files = markdownFiles();
  expect(files).toContain('README.md');
  for (const page of ['docs/api.md', 'docs/administration.md', 'docs/architecture.md']) expect(files).toContain(page);
  expect(files.filter((f) => f.startsWith('docs/guide/')).length).toBeGreaterThanOrEqual(6);
});

it('every relative link in README.md and docs/**/*.md points to a file (and heading) that exists', () => {
  const problems = markdownFiles()
    .flatMap((file) => linksIn(file))
    .map(problemOf)
    .filter((p): p is string => p !== null);
  expect(problems).toEqual([]);
});

it('every page under docs/ is reachable from the README, directly or through another page', () => {
  const reached = new Set<string>(['README.md']);
  const queue = ['README.md'];
  while (queue.length) {
    const file = queue.shift()!;
    for (const link of linksIn(file)) {
      if (isExternal(link.target) || link.image) continue;
      const target = path.relative(ROOT, resolveLink(link).file);
      if (target.endsWith('.md') && !reached.has(target) && fs.existsSync(path.join(ROOT, target))) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  expect(markdownFiles().filter((f) => !reached.has(f))).toEqual([]);
});

it('the README stays short: what it is, how to run and test it, where to read on', () => {
  const lines = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').length;
  expect(lines).toBeLessThanOrEqual(130);
});

describe('the link check itself', () => {
  const text = [
    '# 中队领导 · Squad leader',
    '## Daily tasks',
    'See [the API](../api.md) and [tasks](#daily-tasks), ![inbox](../images/leader-inbox.png)',
    '`[not a link](nowhere.md)`',
    '```',
    '[also not](nowhere.md)',
    '```',
    '<img src="../images/x.png" width="600"> and [a site](https://example.org)',
  ].join('\n');

  it('reads links and images outside code, with their lines', () => {
    expect(linksIn('docs/guide/example.md', text).map((l) => [l.line, l.target, l.image])).toEqual([
      [3, '../api.md', false],
      [3, '#daily-tasks', false],
      [3, '../images/leader-inbox.png', true],
      [8, 'https://example.org', false],
      [8, '../images/x.png', true],
    ]);
  });

  it('makes the anchors GitHub makes, Chinese headings included', () => {
    expect([...headingAnchors('x.md', text)]).toEqual(['中队领导--squad-leader', 'daily-tasks']);
  });

  it('reports a link to a missing file, a missing heading and an image outside docs/images', () => {
    const at = (target: string, image = false): DocLink => ({ file: 'docs/guide/example.md', line: 1, target, image });
    expect(problemOf(at('../api-missing.md'))).toMatch(/no such file/);
    expect(problemOf(at('../../README.md#no-such-heading'))).toMatch(/no heading #no-such-heading/);
    expect(problemOf(at('../../package.json', true))).toMatch(/docs\/images/);
    expect(problemOf(at('https://example.org/x'))).toBeNull();
  });
});
