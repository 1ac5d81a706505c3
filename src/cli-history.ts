import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Services } from './container';
import { describeChainProblem } from './domain/history/history-chain';
import { type AnchorCheck, type HistoryReport, parseKeptAnchors } from './domain/history/history.service';

/** Writes a piece of the command's output. */
export type Out = (text: string) => void;

/**
 * `verify-history [--brigade CODE] [--anchors FILE]`: walks every chain and
 * checks each brigade's latest anchor (and the anchors in FILE, kept outside
 * as `anchors` printed them). Prints what it verified and, for a broken
 * chain, the record, the first bad step and what broke; 0 when all verifies, 1 otherwise.
 */
export async function verifyHistoryCommand(services: Services, args: string[], out: Out): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { brigade: { type: 'string' }, anchors: { type: 'string' } },
    strict: true,
  });
  const kept = values.anchors !== undefined ? parseKeptAnchors(fs.readFileSync(values.anchors, 'utf8')) : undefined;
  const report = await services.historyChain.verify({ brigade: values.brigade, kept });
  out(formatVerification(report));
  return report.ok ? 0 : 1;
}

/** `anchors [--brigade CODE]`: the daily anchors, one a line, to keep outside the system. */
export async function anchorsCommand(services: Services, args: string[], out: Out): Promise<number> {
  const { values } = parseArgs({ args, options: { brigade: { type: 'string' } }, strict: true });
  const list = await services.historyChain.anchors(values.brigade);
  out(
    '# brigade    day         digest (SHA-256)                                                  records  steps  upto     covered-at\n',
  );
  for (const { brigade, anchor: a } of list) {
    out(
      `${brigade.padEnd(12)} ${a.day}  ${a.digest}  ${String(a.recordCount).padStart(7)}  ${String(a.stepCount).padStart(5)}  ${String(a.uptoHistoryId).padStart(7)}  ${a.coveredAt.toISOString().slice(0, 19)}Z\n`,
    );
  }
  if (!list.length)
    out('# no anchors yet: the history-anchor job takes one a day (npm run cli -- job run history-anchor)\n');
  return 0;
}

export function formatVerification(report: HistoryReport): string {
  const lines: string[] = [];
  for (const b of report.brigades) {
    lines.push(
      `${b.code}: verified ${b.records} record(s), ${b.steps} step(s)${b.broken.length ? ` — ${b.broken.length} record(s) do NOT verify` : ''}`,
    );
    for (const r of b.broken) {
      lines.push(
        `  ${r.workflow} #${r.instanceId}${r.title ? ` 「${r.title}」` : ''}: does not verify from row ${r.firstBadSeq}`,
      );
      for (const p of r.problems) lines.push(`    ${describeChainProblem(p, r.version)}`);
    }
    if (!b.anchors.length) lines.push('  no anchor yet (the history-anchor job takes one a day)');
    for (const a of b.anchors) lines.push(`  ${describeAnchorCheck(a)}`);
  }
  lines.push(
    report.ok
      ? `History verifies: ${report.records} record(s), ${report.steps} step(s).`
      : `History does NOT verify (${report.records} record(s), ${report.steps} step(s) read).`,
  );
  return `${lines.join('\n')}\n`;
}

function describeAnchorCheck(a: AnchorCheck): string {
  const what = `anchor ${a.day} (${a.source === 'kept' ? 'kept outside' : 'latest in the database'}, history up to #${a.uptoHistoryId})`;
  const table = a.tableDiffers
    ? ' — and the database’s anchor of that day differs from the one kept: the anchors table was changed'
    : '';
  if (a.ok) return `${what}: reproduced ✓ (${a.found.recordCount} record(s), ${a.found.stepCount} step(s))${table}`;
  return (
    `${what}: NOT reproduced — the history up to then was changed (rewritten and re-hashed, or steps or records removed): ` +
    `expected ${a.expected.digest.slice(0, 16)}… over ${a.expected.recordCount} record(s), ${a.expected.stepCount} step(s); ` +
    `found ${a.found.digest.slice(0, 16)}… over ${a.found.recordCount} record(s), ${a.found.stepCount} step(s)${table}`
  );
}
