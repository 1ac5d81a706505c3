import { createOperation, send } from '../support/factories';
import { draftGroupPlan } from '../support/plans-meetings';
import { reportProblem } from '../support/problems';
import { startTestApp, type TestApp } from '../support/test-app';
import { signIn } from '../support/web';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const CHECK =
  /<p class="small history-check[^"]*" data-testid="history-check" data-verified="(yes|no)"[^>]*>\s*([\s\S]*?)\s*<\/p>/;

async function checkOn(
  user: string,
  path: string,
  locale: 'zh-CN' | 'en' = 'zh-CN',
): Promise<{ verified: string; text: string } | null> {
  const html = (await (await signIn(t, user, undefined, locale)).get(path).expect(200)).text;
  const m = CHECK.exec(html);
  return m ? { verified: m[1], text: m[2].replace(/<[^>]+>/g, '') } : null;
}

describe('a record’s page tells a manager whether its history verifies', () => {
  it('the operation page: verified with its number of steps for the duty officer, a commander and an inspector; nothing for a squad leader', async () => {
    const { id } = await createOperation(t);
    const v = await send(t, id, 1, 'FILE');
    await send(t, id, v, 'APPROVE');
    expect(await checkOn('duty', `/operations/${id}`)).toEqual({
      verified: 'yes',
      text: '全过程记录校验通过 ✓（3 步）',
    });
    expect(await checkOn('commander', `/operations/${id}`, 'en')).toEqual({
      verified: 'yes',
      text: 'History verified ✓ (3 steps)',
    });
    expect((await checkOn('inspector', `/operations/${id}`))?.verified).toBe('yes');
    expect(await checkOn('waitan.leader', `/operations/${id}`)).toBeNull();
  });

  it('the operation page: a step changed in the database shows as the step the history no longer verifies from', async () => {
    const { id } = await createOperation(t);
    const v = await send(t, id, 1, 'FILE');
    await send(t, id, v, 'RETURN', { reason: '请补充' });
    const ds = t.services.db.dataSource;
    const [{ name }] = await ds.query(
      'SELECT actor_name AS name FROM workflow_history WHERE instance_id = ? AND seq = 2',
      [id],
    );
    await ds.query("UPDATE workflow_history SET actor_name = '某某' WHERE instance_id = ? AND seq = 2", [id]);
    try {
      expect(await checkOn('duty', `/operations/${id}`)).toEqual({
        verified: 'no',
        text: '全过程记录自第 2 步起校验不通过：记录可能在系统之外被改动',
      });
      expect((await t.as('duty').get(`/api/v1/operations/${id}/history`).expect(200)).body).toMatchObject({
        verified: false,
        firstBadSeq: 2,
      });
    } finally {
      await ds.query('UPDATE workflow_history SET actor_name = ? WHERE instance_id = ? AND seq = 2', [name, id]);
    }
    expect((await checkOn('duty', `/operations/${id}`))?.verified).toBe('yes');
  });

  it('the pages sharing the step timeline (a group plan) and the problem timeline (a hard problem) say it too', async () => {
    const plan = await draftGroupPlan(t, '2026-12');
    expect(await checkOn('duty', `/group-plans/${plan}`)).toEqual({
      verified: 'yes',
      text: '全过程记录校验通过 ✓（1 步）',
    });
    const { id: problem } = await reportProblem(t);
    expect(await checkOn('inspector', `/problems/${problem}`)).toEqual({
      verified: 'yes',
      text: '全过程记录校验通过 ✓（1 步）',
    });
    expect(await checkOn('waitan.officer', `/problems/${problem}`)).toBeNull();
    await t.services.db.dataSource.query(
      "UPDATE workflow_history SET payload = '{}' WHERE instance_id = ? AND seq = 1",
      [problem],
    );
    expect(await checkOn('duty', `/problems/${problem}`)).toMatchObject({ verified: 'no' });
  });
});
