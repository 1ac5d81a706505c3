import { codeText } from '../../src/domain/figures/month-facts';

/**
 * Kept months are filed under a hash of their sources' code (month-facts.ts). The server and the CLI are
 * bundled apart, and the bundler renames a local name in one of them (`line` → `line2`): the key must not
 * see that, or the figures job run from the CLI keeps months the server never reads.
 */
describe('the code a kept month is filed under', () => {
  it('reads the same whichever bundle renamed a name by a number after it', () => {
    const server =
      'async function rows(m, scope) {\n  const line = lineInScope(scope);\n  return (0, import_sql.sql)(m, line.sql);\n}';
    const cli =
      'async function rows(m, scope) {\n  const line2 = lineInScope(scope);\n  return (0, import_sql3.sql)(m, line2.sql);\n}';
    expect(codeText(cli)).toBe(codeText(server));
  });

  it('reads a shorthand name the bundler wrote out, renamed, as the shorthand', () => {
    // esbuild's two bundles of assessment.ts's squadSource (2026-12-07): the CLI's kept the shorthand.
    const server = 'function squadSource({\n  name: name2,\n  cacheable,\n  keyOf = (r) => String(n(r.squad))\n}) {';
    const cli = 'function squadSource({\n  name,\n  cacheable,\n  keyOf = (r) => String(n(r.squad))\n}) {';
    expect(codeText(server)).toBe(codeText(cli));
    expect(codeText('({ keyOf: keyOf3 = (r) => r.grp, x })')).toBe(codeText('({ keyOf = (r) => r.grp, x })'));
    // Not a shorthand: the value is more than the name.
    expect(codeText('({ name: name.trim() })')).not.toBe(codeText('({ name })'));
    expect(codeText('({ a: a === b })')).not.toBe(codeText('({ a })'));
  });

  it('still tells code that changed apart', () => {
    const before = "SELECT COUNT(*) FROM operations o WHERE o.state = 'closed' AND o.hours >= 4";
    expect(codeText(before.replace("'closed'", "'holding'"))).not.toBe(codeText(before));
    expect(codeText(before.replace('>= 4', '>= 5'))).not.toBe(codeText(before));
    expect(codeText('function a(x) { return x.officers; }')).not.toBe(codeText('function a(x) { return x.vehicles; }'));
  });
});
