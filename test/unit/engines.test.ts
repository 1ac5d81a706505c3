import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const ROOT = path.join(__dirname, '..', '..');
const ours = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Every installed package (nested ones too) with the Node versions it declares. */
function installedEngines(
  dir = path.join(ROOT, 'node_modules'),
  found: Array<[string, string]> = [],
): Array<[string, string]> {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const at = path.join(dir, name);
    if (name.startsWith('@')) {
      installedEngines(at, found);
      continue;
    }
    const manifest = path.join(at, 'package.json');
    if (!fs.existsSync(manifest)) continue;
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    if (typeof pkg.engines?.node === 'string') found.push([`${pkg.name}@${pkg.version}`, pkg.engines.node]);
    if (fs.existsSync(path.join(at, 'node_modules'))) installedEngines(path.join(at, 'node_modules'), found);
  }
  return found;
}

describe('the Node versions in package.json engines', () => {
  it('are a valid range that includes the Node running the tests', () => {
    expect(semver.validRange(ours.engines.node)).not.toBeNull();
    expect(semver.satisfies(process.version, ours.engines.node)).toBe(true);
  });

  it('every direct dependency accepts all of them', () => {
    const refused = Object.keys({ ...ours.dependencies, ...ours.devDependencies })
      .map((name) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')))
      .filter((pkg) => typeof pkg.engines?.node === 'string' && !semver.subset(ours.engines.node, pkg.engines.node))
      .map((pkg) => `${pkg.name}@${pkg.version} wants ${pkg.engines.node}`);
    expect(refused).toEqual([]);
  });

  it('so does every package they bring (npm ci warns of none: EBADENGINE)', () => {
    const refused = installedEngines()
      .filter(([, node]) => semver.validRange(node) !== null && !semver.subset(ours.engines.node, node))
      .map(([pkg, node]) => `${pkg} wants ${node}`);
    expect(refused).toEqual([]);
  });
});
