import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Services } from './container';
import type { ApiTokenView } from './domain/auth/api-token.service';
import { ValidationError } from './errors';

const USAGE =
  'Usage: token USERNAME [--label TEXT] [--expires-days N] | token list [USERNAME] | token revoke ID|TOKEN | token revoke --user USERNAME';

const when = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

/**
 * `token …` on the command line: issue a token (printed once), list tokens,
 * revoke one (by id or the token itself) or all of a user's. Revocation holds
 * from the next request on, on every instance.
 */
export async function tokenCommand(
  services: Services,
  args: string[],
  out = (text: string) => void process.stdout.write(text),
): Promise<number> {
  const [first, ...rest] = args;
  if (first === 'list') {
    const { positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true });
    if (positionals.length > 1) throw new ValidationError(USAGE);
    const tokens = await services.apiTokens.listAll({ username: positionals[0] });
    out(`${['id', 'user', 'label', 'starts', 'created', 'expires', 'last used', 'state'].join('\t')}\n`);
    for (const t of tokens) out(`${line(t)}\n`);
    return 0;
  }
  if (first === 'revoke') {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { user: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.user !== undefined ? positionals.length !== 0 : positionals.length !== 1)
      throw new ValidationError(USAGE);
    const target =
      values.user !== undefined
        ? { username: values.user }
        : /^[1-9]\d{0,15}$/.test(positionals[0])
          ? { id: Number(positionals[0]) }
          : { token: positionals[0], hash: sha256(positionals[0]) };
    const revoked = await services.apiTokens.revokeWhere(target);
    out(`Revoked ${revoked} token(s)${revoked === 0 ? ' (already revoked or none)' : ''}.\n`);
    return 0;
  }
  const { values, positionals } = parseArgs({
    args,
    options: { label: { type: 'string' }, 'expires-days': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new ValidationError(USAGE);
  const days = values['expires-days'];
  if (days !== undefined && !/^\d+$/.test(days))
    throw new ValidationError('--expires-days: a whole number of days', { expiresDays: 'invalid_days:1-3650' });
  out(
    `${await services.org.issueToken(positionals[0], values.label ?? 'cli', { expiresDays: days === undefined ? undefined : Number(days) })}\n`,
  );
  return 0;
}

function line(t: ApiTokenView): string {
  return [
    t.id,
    t.username,
    t.label,
    `${t.tokenStart}…`,
    when(t.createdAt),
    when(t.expiresAt),
    when(t.lastUsedAt),
    t.state,
  ].join('\t');
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
