import request from 'supertest';
import type { AuthedRequest, TestApp } from './test-app';

/** A second brigade beside the reference one (huangpu): its code, its people by role, and their tokens. */
export interface SecondBrigade {
  code: string;
  /** Its squads' and group's codes (none of them the reference brigade's). */
  squads: string[];
  group: string;
  /** Its users by role: admin, duty, commander, leader, officer, inspector, legal. */
  users: Record<string, string>;
  as(role: string): AuthedRequest;
  token(role: string): string;
}

const PASSWORD = 'second-brigade-pw';

/**
 * Makes a second brigade as an operator and its administrator would: `brigade
 * create` (the domain function the CLI calls), its first administrator
 * (`user create --brigade`), then, as that administrator through the API,
 * four squads, a linkage group of three, and a user of each role.
 */
export async function secondBrigade(t: TestApp, code = 'jingan', name = '静安区城管执法大队'): Promise<SecondBrigade> {
  await t.services.org.createBrigade({ code, name, nameEn: 'Jing’an District brigade', timeZone: 'Asia/Shanghai' });
  const tokens = new Map<string, string>();
  const users: Record<string, string> = { admin: `${code}.admin` };
  await t.services.org.createUser({
    brigade: code,
    username: users.admin,
    displayName: `${name}系统管理员`,
    roles: ['admin'],
    password: PASSWORD,
  });
  tokens.set('admin', await t.services.org.issueToken(users.admin, 'test'));
  const as = (role: string): AuthedRequest => {
    const auth = `Bearer ${tokens.get(role)}`;
    if (!tokens.has(role)) throw new Error(`no ${role} in ${code}`);
    return {
      get: (path) => request(t.app).get(path).set('Authorization', auth),
      post: (path, body) =>
        request(t.app)
          .post(path)
          .set('Authorization', auth)
          .send(body as object),
      patch: (path, body) =>
        request(t.app)
          .patch(path)
          .set('Authorization', auth)
          .send(body as object),
    };
  };
  const squads = [1, 2, 3, 4].map((i) => `${code}-${i}`);
  for (const [i, squad] of squads.entries()) {
    await as('admin')
      .post('/api/v1/squads', {
        code: squad,
        name: `${name.slice(0, 2)}第${i + 1}中队`,
        nameEn: `${code} squad ${i + 1}`,
        kind: 'street',
        dutyStrength: 7,
      })
      .expect(201);
  }
  const group = `${code}-east`;
  await as('admin')
    .post('/api/v1/groups', {
      code: group,
      name: `${name.slice(0, 2)}东片`,
      nameEn: `${code} east`,
      squads: squads.slice(0, 3),
    })
    .expect(201);
  const people: Array<[string, string[], string | null]> = [
    ['duty', ['duty_officer'], null],
    ['commander', ['commander'], null],
    ['leader', ['squad_leader'], squads[0]],
    ['leader2', ['squad_leader'], squads[1]],
    ['officer', ['officer'], squads[0]],
    ['inspector', ['inspector'], null],
    ['legal', ['legal'], null],
  ];
  for (const [role, roles, squad] of people) {
    users[role] = `${code}.${role}`;
    await as('admin')
      .post('/api/v1/users', {
        username: users[role],
        displayName: `${name.slice(0, 2)}${role}`,
        roles,
        squad,
        password: PASSWORD,
      })
      .expect(201);
    tokens.set(role, await t.services.org.issueToken(users[role], 'test'));
  }
  return { code, squads, group, users, as, token: (role) => tokens.get(role)! };
}
