import { loadConfig } from '../config';
import { boot } from '../src/bootstrap';
import { createLogger } from '../src/logger';
async function main() {
  const db = process.argv[2]; const scope = process.argv[3] ?? 'brigade';
  const config = loadConfig({ ...process.env, DATABASE_URL: `mysql://root:@127.0.0.1:3306/${db}` });
  const services = await boot(config, { logger: createLogger({ silent: true }), seed: false });
  const [u] = await services.db.dataSource.query("SELECT id FROM users WHERE username = 'commander'");
  const p = await services.org.principalFor(Number(u.id));
  const q: any = { period: '2025' };
  if (scope === 'group') q.group = 'north';
  if (scope === 'squad') q.squad = 'waitan';
  await services.db.dataSource.query('DELETE FROM figure_month_facts');
  const t0 = performance.now();
  await services.figures.view(p, q);
  console.log(scope, 'cold ms', Math.round(performance.now() - t0));
  const t1 = performance.now();
  await services.figures.view(p, q);
  console.log(scope, 'warm ms', Math.round(performance.now() - t1));
  await services.db.close();
}
main();
