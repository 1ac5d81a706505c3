import fs from 'node:fs';
import type { Page } from 'playwright-core';

/**
 * axe-core in a page (issue 13): the pages' CSP forbids inline scripts, so axe's source goes in through the
 * DevTools protocol (`page.evaluate`), which the page's CSP does not govern; then `axe.run` with the WCAG 2.0/2.1
 * A and AA rules.
 */

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.1 level A and AA rules (2.0's included). */
export const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** One rule broken on a page, as axe reports it (the fields the report prints). */
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string; html: string }>;
}

/** Runs axe on the page as it is now; every violation, whatever its impact. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG21_AA)} }, resultTypes: ['violations'] })`,
  )) as { violations: AxeViolation[] };
  return result.violations;
}

/** Serious and critical violations only: what the browser tests fail on. */
export const blocking = (violations: AxeViolation[]) =>
  violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** A readable report: per page, each rule with its help, and each element (selector, html, why). */
export function describeViolations(found: Array<{ where: string; violations: AxeViolation[] }>): string {
  return found
    .filter((f) => f.violations.length)
    .map(
      (f) =>
        `${f.where}\n` +
        f.violations
          .map(
            (v) =>
              `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
              v.nodes
                .slice(0, 5)
                .map(
                  (n) =>
                    `    ${n.target.join(' ')}\n      ${n.html.slice(0, 200)}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`,
                )
                .join('\n') +
              (v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : ''),
          )
          .join('\n'),
    )
    .join('\n\n');
}
