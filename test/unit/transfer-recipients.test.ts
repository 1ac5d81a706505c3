import { type Directory, type NotificationSubject, recipientsOf } from '../../src/domain/notifications/recipients';
import { notificationText } from '../../src/domain/notifications/notification-text';
import { REFERENCE_GROUPS, REFERENCE_UNGROUPED, demoUsers } from '../../src/domain/org/reference-organisation';

/** The reference organisation as a directory (as in notification-recipients.test.ts). */
const HUANGPU = 1;
const squadCodes = [
  ...REFERENCE_GROUPS.flatMap((g) => g.squads.map((s) => s.code)),
  ...REFERENCE_UNGROUPED.map((s) => s.code),
];
const squadId = (code: string) => squadCodes.indexOf(code) + 1;
const users = demoUsers().map((u, i) => ({
  id: i + 1,
  brigadeId: HUANGPU,
  username: u.username,
  squadId: u.squad ? squadId(u.squad) : null,
  roles: u.roles,
  active: true,
}));
const directory: Directory = {
  brigadeId: HUANGPU,
  users,
  squads: squadCodes.map((code) => ({
    id: squadId(code),
    groupId: REFERENCE_GROUPS.findIndex((g) => g.squads.some((s) => s.code === code)) + 1 || null,
  })),
};
const id = (username: string) => users.find((u) => u.username === username)!.id;
const names = (ids: number[]) => ids.map((i) => users.find((u) => u.id === i)!.username).sort();

/** Waitan transfers a case to Nanjing East Road; the legal section may designate Yuyuan. */
const transfer = (designated: string | null = null): NotificationSubject => ({
  type: 'case_transfer',
  id: 40,
  fromSquadId: squadId('waitan'),
  toSquadId: squadId('nanjingdonglu'),
  designatedSquadId: designated ? squadId(designated) : null,
});
const told = (topic: string, actor: string, subject = transfer()) =>
  names(recipientsOf({ topic, brigadeId: HUANGPU, actorUserId: id(actor) }, subject, directory));

describe('who is told of a case transfer (R10)', () => {
  it('a proposal → the receiving squad’s leaders', () => {
    expect(told('case_transfer.proposed', 'waitan.leader')).toEqual(['nanjingdonglu.leader']);
  });
  it('an acceptance → the sending squad’s leaders', () => {
    expect(told('case_transfer.accepted', 'nanjingdonglu.leader')).toEqual(['waitan.leader']);
  });
  it('a dispute → the legal section, and the sender', () => {
    expect(told('case_transfer.disputed', 'nanjingdonglu.leader')).toEqual(['legal', 'waitan.leader']);
  });
  it('a designation → both sides and the squad designated', () => {
    expect(told('case_transfer.designated', 'legal', transfer('yuyuan'))).toEqual([
      'nanjingdonglu.leader',
      'waitan.leader',
      'yuyuan.leader',
    ]);
  });
  it('a withdrawal → the receiving squad’s leaders', () => {
    expect(told('case_transfer.withdrawn', 'waitan.leader')).toEqual(['nanjingdonglu.leader']);
  });
  it('says which case, in both languages', () => {
    expect(
      notificationText('zh-CN', 'case_transfer.disputed', { reference: '黄浦〔2026〕1号', note: '不属本队' }),
    ).toEqual({ text: '案件移送有异议，待指定管辖：黄浦〔2026〕1号', note: expect.stringContaining('不属本队') });
    expect(notificationText('en', 'case_transfer.proposed', { reference: 'HP-1' }).text).toBe(
      'Case transfer to answer: HP-1',
    );
  });
});
