import { randomBytes } from 'node:crypto';
import type { Config } from '../../config';
import type { Database } from './data-source';
import { sql } from './sql';

/**
 * The secret that signs session cookies: SESSION_SECRET if set; otherwise one
 * made on first start and kept in the database, so every instance sharing the
 * database signs alike and sessions survive restarts.
 */
export async function sessionSecret(db: Database, config: Readonly<Config>): Promise<string> {
  if (config.web.sessionSecret) return config.web.sessionSecret;
  const read = async () =>
    (await sql<{ value: string }>(db.manager, "SELECT value FROM app_settings WHERE setting_key = 'session_secret'"))
      .rows[0]?.value;
  const existing = await read();
  if (existing) return existing;
  try {
    await db.transaction((m) =>
      sql(m, "INSERT INTO app_settings (setting_key, value) VALUES ('session_secret', ?)", [
        randomBytes(32).toString('base64url'),
      ]),
    );
  } catch {
    // Another instance made it first: use theirs.
  }
  const secret = await read();
  if (secret === undefined) throw new Error('the session secret was neither found nor made');
  return secret;
}
