import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';

/**
 * A stack's positions in the built bundle (`dist/server.js:L:C`, `dist/cli.js:L:C`) as the places in
 * `src/*.ts` they were built from, for the logs and for what a failed start prints.
 *
 * Node's own `--enable-source-maps` maps every stack, but it reads and keeps the source map of every module
 * loaded at start, those in node_modules too (TypeORM ships its TypeScript in its maps): about 30 MiB more
 * resident and 60–100 ms more to start (issue 14, measured 2026-12-07). Here only the bundle's own map is
 * read, once, when a stack with a position in it is first written: an error logged.
 *
 * A file is mapped when a `<file>.map` lies beside it (what `npm run build` writes, and what some packages
 * ship); any other position, and any position when the map cannot be read, is left as it is.
 */
const maps = new Map<string, SourceMap | null>();

function mapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')));
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
}

/** A JavaScript file's position in a stack line: `/abs/file.js:line:column`. */
const POSITION = /(\/[^\s()]+\.js):(\d+):(\d+)/g;

export function inSources(stack: string): string {
  return stack.replace(POSITION, (whole, file: string, line: string, column: string) => {
    const map = mapOf(file);
    if (!map) return whole;
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (entry.originalSource === undefined || entry.originalLine === undefined) return whole;
    const source = path.resolve(path.dirname(file), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
  });
}
