import { z } from 'zod';
import { month, requiredText } from './common.schema';
import { ROLES } from '../../../workflows/shared/actor';
import { CODE_PATTERN, USERNAME_PATTERN } from '../../domain/org/org.service';
import { SQUAD_KINDS } from '../../../workflows/shared/org';

/** Request schemas of the administration API (admin role): the server validates with these and the OpenAPI document is generated from them. */

const code = z
  .string()
  .regex(CODE_PATTERN, 'invalid_code')
  .describe('A code: lower-case letters, digits and `-`, at most 40 (stable; used in URLs and by tools)');
const name = requiredText(100);
const password = z.string().min(8).max(200).describe('At least 8 characters');
const roles = z.array(z.enum(ROLES)).min(1).max(ROLES.length).describe('One or more roles (SPEC §2)');
const squadOfUser = code
  .nullable()
  .describe('The user’s squad, by code; null for an HQ or section post. A squad leader needs one.');

export const createUserSchema = z
  .strictObject({
    username: z
      .string()
      .regex(USERNAME_PATTERN, 'invalid_username')
      .describe('Sign-in name: 2–64 lower-case letters, digits or `. _ -`; unique'),
    displayName: name,
    roles,
    squad: squadOfUser.optional(),
    password,
  })
  .describe('A new user of your brigade');

export const updateUserSchema = z
  .strictObject({
    displayName: name.optional(),
    squad: squadOfUser.optional(),
    roles: roles.optional(),
    active: z
      .boolean()
      .optional()
      .describe(
        'false disables the user: their sessions end and their tokens are refused. Not yourself, nor the last active administrator.',
      ),
  })
  .describe('A change to a user: only the fields given change');

export const resetPasswordSchema = z
  .strictObject({ password })
  .describe('A new password: the old one stops working, the user’s sessions end and their API tokens are revoked');

const squadFields = {
  name: name.describe('Chinese name, e.g. 外滩中队'),
  nameEn: name.describe('English name'),
  kind: z.enum(SQUAD_KINDS).describe('R2: street, commercial (commercial street), scenic (scenic area) or mobile'),
  dutyStrength: z.int().min(1).max(1000).describe('R16: officers typically on duty at one time'),
};

export const createSquadSchema = z.strictObject({ code, ...squadFields }).describe('A new squad of your brigade');

export const updateSquadSchema = z
  .strictObject({
    ...squadFields,
    active: z.boolean().describe('false: the squad is no longer in use (it must not be in a linkage group)'),
  })
  .partial()
  .describe('A change to a squad: only the fields given change; the code stays');

const members = z
  .array(code)
  .max(50)
  .describe('Squad codes in member order (R9: conveners rotate in this order); R3: 3–4 squads, none in another group');

export const createGroupSchema = z
  .strictObject({
    code,
    name: name.describe('Chinese name, e.g. 北片'),
    nameEn: name.describe('English name'),
    squads: members,
  })
  .describe('A new linkage group of your brigade (R3)');

export const updateGroupSchema = z
  .strictObject({ name, nameEn: name, squads: members })
  .partial()
  .describe('A change to a linkage group: only the fields given change; `squads` sets the members, in order');

export const updateBrigadeSchema = z
  .strictObject({
    since: month.describe(
      'R6: the month (YYYY-MM) the brigade began using Liandong; months before it are never judged. Not after the month under way.',
    ),
  })
  .partial()
  .describe('A change to your brigade: only the fields given change');
