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

  it('still tells code that changed apart', () => {
    const before = "SELECT COUNT(*) FROM operations o WHERE o.state = 'closed' AND o.hours >= 4";
    expect(codeText(before.replace("'closed'", "'holding'"))).not.toBe(codeText(before));
    expect(codeText(before.replace('>= 4', '>= 5'))).not.toBe(codeText(before));
    expect(codeText('function a(x) { return x.officers; }')).not.toBe(codeText('function a(x) { return x.vehicles; }'));
  });
});
