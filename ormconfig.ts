/**
 * The DataSource for the TypeORM CLI (e.g. `npx typeorm-ts-node-commonjs -d ormconfig.ts migration:show`),
 * built from the same validated config as the application.
 */
import { DataSource } from 'typeorm';
import { loadConfig } from './config';
import { dataSourceOptions, parseDatabaseUrl } from './src/persistence/data-source';

const config = loadConfig();

export default new DataSource(
  dataSourceOptions(parseDatabaseUrl(config.database.url), {
    logging: config.database.logging,
    poolSize: config.database.poolSize,
  }),
);
