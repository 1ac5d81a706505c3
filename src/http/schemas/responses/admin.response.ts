import { z } from 'zod';
import { ROLES } from '../../../../workflows/shared/actor';
import { SQUAD_KINDS } from '../../../../workflows/shared/org';
import { choice, instant, list } from './common.response';

/** What the organisation and administration answers show (src/http/presenters/admin.presenter.ts). */

const role = choice(ROLES);

export const user = z
  .strictObject({
    username: z.string(),
    displayName: z.string(),
    roles: z.array(role),
    squad: z.string().nullable().describe('Squad code'),
    active: z.boolean(),
    createdAt: instant,
    updatedAt: instant,
  })
  .describe('A user of your brigade (never the password)');

export const squad = z
  .strictObject({
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    kind: z.enum(SQUAD_KINDS),
    group: z.string().nullable().describe('Linkage group code'),
    memberOrder: z.int().nullable().describe('Position in the group, from 1'),
    dutyStrength: z.int(),
    active: z.boolean(),
  })
  .describe('A squad (R2, R16) and its place in a linkage group (R3, R9)');

export const group = z
  .strictObject({
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    active: z.boolean(),
    squads: z.array(z.string()).describe('Squad codes in member order'),
  })
  .describe('A linkage group (R3) with its squads in member order (R9)');

export const brigade = z
  .strictObject({
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    timeZone: z.string().describe('IANA time zone: months and days are the brigade’s'),
    since: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
      .describe('YYYY-MM: months before it are never judged (compliance, annual report, monthly-minimum flags)'),
    createdAt: instant,
    allowedActions: z.array(z.enum(['update'])).describe('What you may do to it: `update` for administrators'),
  })
  .describe('Your brigade (SPEC §2) and the month it began using Liandong (R6)');

export const me = z
  .strictObject({
    username: z.string(),
    displayName: z.string(),
    roles: z.array(role),
    brigade: z.string().describe('Brigade code'),
    squad: z.string().nullable().describe('Squad code'),
    timeZone: z.string().describe('The brigade’s IANA time zone'),
  })
  .describe('Who the token belongs to');

export const userList = list(user);
export const squadList = list(squad);
export const groupList = list(group);

export const apiToken = z
  .strictObject({
    id: z.int(),
    user: z.string().describe('Its owner’s username'),
    label: z.string().describe('What it is for, as given when issued (`--label`)'),
    tokenStart: z.string().describe('Its first characters, to recognise it'),
    createdAt: instant,
    expiresAt: instant.nullable().describe('Refused from then on (`--expires-days`); null: never expires'),
    lastUsedAt: instant.nullable().describe('Its last use, to the minute (noted at most once a minute)'),
    revokedAt: instant.nullable().describe('When it was revoked (DELETE, `token revoke`, or a password reset)'),
    state: z.enum(['active', 'expired', 'revoked']),
  })
  .describe('An API token: never the token itself nor its hash');
export const apiTokenList = list(apiToken);
