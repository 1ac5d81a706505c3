import {
  type Directory,
  NOTIFICATION_TOPICS,
  type NotificationSubject,
  recipientsOf,
} from '../../src/domain/notifications/recipients';
import { FLAG_KINDS, notificationText } from '../../src/domain/notifications/notification-text';
import { REFERENCE_GROUPS, REFERENCE_UNGROUPED, demoUsers } from '../../src/domain/org/reference-organisation';
import { en } from '../../src/i18n/en';
import { zhCN } from '../../src/i18n/zh-CN';

/** The reference organisation as a directory: squads and users numbered in order, groups 1–4. */
const HUANGPU = 1;
const squadCodes = [
  ...REFERENCE_GROUPS.flatMap((g) => g.squads.map((s) => s.code)),
  ...REFERENCE_UNGROUPED.map((s) => s.code),
];
const squadId = (code: string) => squadCodes.indexOf(code) + 1;
const groupId = (code: string) => REFERENCE_GROUPS.findIndex((g) => g.code === code) + 1;
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

/** A regular operation of the north group, led and hosted by Waitan, with Nanjing East Road and the Bund scenic area. */
const operation = (over: Partial<Extract<NotificationSubject, { type: 'operation' }>> = {}): NotificationSubject => ({
  type: 'operation',
  id: 12,
  kind: 'regular',
  groupId: groupId('north'),
  leadSquadId: squadId('waitan'),
  hostSquadId: squadId('waitan'),
  squadIds: [squadId('waitan'), squadId('nanjingdonglu'), squadId('bund-scenic')],
  designatedCommanderId: null,
  ...over,
});
const told = (
  topic: string,
  actor: string | null,
  subject: NotificationSubject = operation(),
  extra: { from?: string } = {},
) =>
  names(
    recipientsOf({ topic, brigadeId: HUANGPU, actorUserId: actor ? id(actor) : null, ...extra }, subject, directory),
  );

const NORTH_LEADERS = ['bund-scenic.leader', 'nanjingdonglu.leader', 'nanjinglu-walk.leader', 'waitan.leader'];
const MANAGERS = ['commander', 'duty', 'duty2'];

describe('who is told of a joint operation', () => {
  it('a filed plan is announced to the duty officers, not to the squad leader who filed it', () => {
    expect(told('operation.filed', 'waitan.leader')).toEqual(['duty', 'duty2']);
  });

  it('a brigade-led plan is announced to the commanders too (R4: the brigade leads it)', () => {
    expect(told('operation.filed', 'duty', operation({ kind: 'brigade_led', groupId: null }))).toEqual([
      'commander',
      'duty2',
    ]);
  });

  it('a returned plan is announced to the lead squad’s leader, not to the duty officer who returned it', () => {
    expect(told('operation.returned', 'duty')).toEqual(['waitan.leader']);
  });

  it('an approved plan is announced to the lead squad’s leader, and to the host squad’s leader who will command it (R4)', () => {
    expect(told('operation.approved', 'duty')).toEqual(['waitan.leader']);
    expect(told('operation.approved', 'duty', operation({ hostSquadId: squadId('nanjingdonglu') }))).toEqual([
      'nanjingdonglu.leader',
      'waitan.leader',
    ]);
  });

  it('an approved plan with a designated commander tells that commander too', () => {
    expect(
      told('operation.approved', 'commander', operation({ designatedCommanderId: id('nanjingdonglu.leader') })),
    ).toEqual(['nanjingdonglu.leader', 'waitan.leader']);
  });

  it('a cancellation after approval tells every squad taking part; a filed plan withdrawn tells the lead squad only', () => {
    expect(told('operation.cancelled', 'duty', operation(), { from: 'approved' })).toEqual([
      'bund-scenic.leader',
      'nanjingdonglu.leader',
      'waitan.leader',
    ]);
    expect(told('operation.cancelled', 'duty', operation(), { from: 'filed' })).toEqual(['waitan.leader']);
  });

  it('a squad leader who withdraws their own draft is told nothing of it', () => {
    expect(told('operation.cancelled', 'waitan.leader', operation(), { from: 'draft' })).toEqual([]);
  });

  it('a serious incident reaches the commanders and the duty officers at once (R11); a minor one the duty officers', () => {
    expect(told('operation.serious_incident', 'nanjingdonglu.officer')).toEqual(MANAGERS);
    expect(told('operation.incident', 'nanjingdonglu.officer')).toEqual(['duty', 'duty2']);
  });

  it('a rebound seen while holding is news for the host squad and every squad leader of the group (R12)', () => {
    expect(told('operation.rebound_observed', 'waitan.officer')).toEqual(NORTH_LEADERS);
    // The host squad's leader who logged it is not told of their own check.
    expect(told('operation.rebound_observed', 'waitan.leader')).toEqual(
      NORTH_LEADERS.filter((u) => u !== 'waitan.leader'),
    );
  });

  it('a rebound in an operation of no group tells the leaders of the squads that took part', () => {
    const adHoc = operation({ kind: 'ad_hoc', groupId: null, squadIds: [squadId('waitan'), squadId('mobile-1')] });
    expect(told('operation.rebound_observed', 'inspector', adHoc)).toEqual(['mobile-1.leader', 'waitan.leader']);
  });

  it('an audit due goes to the inspectors, never to one of the host squad (R14)', () => {
    expect(told('operation.audit_due', null)).toEqual(['inspector']);
    expect(
      told(
        'operation.audit_due',
        null,
        operation({ hostSquadId: squadId('yuyuan'), leadSquadId: squadId('yuyuan'), groupId: groupId('oldcity') }),
      ),
    ).toEqual(['inspector', 'inspector2']);
  });

  it('an audit passed or failed is announced to the host squad’s leaders, who hold the site (R12)', () => {
    expect(told('operation.audit_passed', 'inspector')).toEqual(['waitan.leader']);
    expect(told('operation.audit_failed', 'inspector', operation({ hostSquadId: squadId('nanjingdonglu') }))).toEqual([
      'nanjingdonglu.leader',
    ]);
  });

  it('a topic without rules tells nobody', () => {
    expect(told('operation.teleported', 'duty')).toEqual([]);
  });
});

describe('who is told of a flag', () => {
  const flag = (over: Partial<Extract<NotificationSubject, { type: 'flag' }>> = {}): NotificationSubject => ({
    type: 'flag',
    id: 3,
    groupId: groupId('north'),
    squadId: null,
    ...over,
  });

  it('a group below the monthly minimum is announced to the managers and the group’s squad leaders (SPEC §4)', () => {
    expect(told('flag.raised', null, flag())).toEqual([...MANAGERS, ...NORTH_LEADERS].sort());
  });

  it('a flag that names a squad goes to that squad’s leaders, not the whole group', () => {
    expect(told('flag.raised', null, flag({ squadId: squadId('nanjingdonglu') }))).toEqual(
      [...MANAGERS, 'nanjingdonglu.leader'].sort(),
    );
  });

  it('a flag of the brigade as a whole goes to the managers only', () => {
    expect(told('flag.raised', null, flag({ groupId: null }))).toEqual(MANAGERS);
  });
});

describe('who is never told', () => {
  it('nobody of another brigade, whatever the directory holds', () => {
    const mixed: Directory = {
      ...directory,
      users: [...directory.users, { id: 999, brigadeId: 2, squadId: null, roles: ['duty_officer'], active: true }],
    };
    expect(
      recipientsOf({ topic: 'operation.filed', brigadeId: HUANGPU, actorUserId: null }, operation(), mixed),
    ).not.toContain(999);
    // An event of another brigade, given this brigade's directory, tells no one here.
    expect(recipientsOf({ topic: 'operation.filed', brigadeId: 2, actorUserId: null }, operation(), directory)).toEqual(
      [],
    );
  });

  it('a disabled user', () => {
    const off: Directory = {
      ...directory,
      users: directory.users.map((u) => (u.id === id('duty2') ? { ...u, active: false } : u)),
    };
    expect(
      names(
        recipientsOf(
          { topic: 'operation.filed', brigadeId: HUANGPU, actorUserId: id('waitan.leader') },
          operation(),
          off,
        ),
      ),
    ).toEqual(['duty']);
  });

  it('the one who caused the event, whatever their roles', () => {
    const twoPosts: Directory = {
      ...directory,
      users: directory.users.map((u) => (u.id === id('duty') ? { ...u, roles: ['duty_officer', 'commander'] } : u)),
    };
    expect(
      names(
        recipientsOf(
          { topic: 'operation.serious_incident', brigadeId: HUANGPU, actorUserId: id('duty') },
          operation(),
          twoPosts,
        ),
      ),
    ).toEqual(['commander', 'duty2']);
  });
});

describe('what a notification says', () => {
  it('every topic and every flag kind has its line in both languages', () => {
    for (const topic of NOTIFICATION_TOPICS.filter((t) => t.startsWith('operation.'))) {
      expect([topic, `notification.${topic}` in zhCN, `notification.${topic}` in en]).toEqual([topic, true, true]);
    }
    for (const kind of FLAG_KINDS)
      expect([kind, `notification.flag.${kind}` in zhCN, `notification.flag.${kind}` in en]).toEqual([
        kind,
        true,
        true,
      ]);
  });

  it('reads like the practice, in Chinese and English', () => {
    // A plan by the brigade's number for it (database ids stay internal).
    const params = {
      operationId: 205,
      number: { year: 2026, seq: 12 },
      title: '中山东一路无证设摊联合整治',
      note: '请补充应急预案的具体分工',
    };
    expect(notificationText('zh-CN', 'operation.filed', params).text).toBe(
      '计划已报备：〔2026〕第 12 号 中山东一路无证设摊联合整治',
    );
    expect(notificationText('en', 'operation.filed', params).text).toBe(
      'Plan filed: No. 12/2026 中山东一路无证设摊联合整治',
    );
    expect(notificationText('zh-CN', 'operation.returned', params)).toEqual({
      text: '计划被退回修改：〔2026〕第 12 号 中山东一路无证设摊联合整治',
      note: '说明：请补充应急预案的具体分工',
    });
    expect(
      notificationText('zh-CN', 'operation.cancelled', { operationId: 206, number: null, title: '草稿撤销' }).text,
    ).toBe('行动已撤销：草稿撤销');
    const flag = {
      flagId: 3,
      rule: 'R6',
      kind: 'monthly_minimum',
      period: '2026-11',
      group: { name: '北片', nameEn: 'North' },
    };
    expect(notificationText('zh-CN', 'flag.raised', flag).text).toBe(
      '预警：北片 2026-11 联动次数未达每月最低要求（R6）',
    );
    expect(notificationText('en', 'flag.raised', flag).text).toBe(
      'Flag: North ran fewer joint operations than the monthly minimum in 2026-11 (R6)',
    );
    const late = {
      flagId: 4,
      rule: '§3.5',
      kind: 'time_limit',
      period: '2026-11',
      record: { type: 'operation', id: 12, title: '中山东一路' },
    };
    expect(notificationText('zh-CN', 'flag.raised', late).text).toBe('预警：#12 中山东一路 办理超过时限（§3.5）');
  });
});

describe('who is told of monthly plans and meetings (R5, R9)', () => {
  const plan: NotificationSubject = { type: 'group_plan', id: 30, groupId: groupId('north') };
  const meeting = (kind: string): NotificationSubject => ({
    type: 'meeting',
    id: 40,
    kind,
    groupId: kind === 'group' ? groupId('north') : null,
    convenerSquadId: squadId('waitan'),
  });

  it('a filed monthly plan is announced to the Duty Command Section (R5)', () => {
    expect(told('group_plan.filed', 'waitan.leader', plan)).toEqual(['duty', 'duty2']);
  });

  it('a returned monthly plan is announced to the group’s squad leaders, who redraft it', () => {
    expect(told('group_plan.returned', 'duty', plan)).toEqual(NORTH_LEADERS);
  });

  it('a group meeting arranged is announced to the group’s squad leaders, not to the convener who arranged it; its record also to the duty officers', () => {
    expect(told('meeting.scheduled', 'waitan.leader', meeting('group'))).toEqual(
      NORTH_LEADERS.filter((u) => u !== 'waitan.leader'),
    );
    expect(told('meeting.recorded', 'waitan.leader', meeting('group'))).toEqual([
      'bund-scenic.leader',
      'duty',
      'duty2',
      'nanjingdonglu.leader',
      'nanjinglu-walk.leader',
    ]);
  });

  it('the HQ’s half-year summary meeting is announced to every squad leader and the commanders', () => {
    const everyone = told('meeting.scheduled', 'duty', meeting('hq_summary'));
    expect(everyone).toContain('commander');
    expect(everyone.filter((u) => u.endsWith('.leader'))).toHaveLength(17);
    expect(everyone).not.toContain('duty');
  });

  it('each reads as a sentence in both languages', () => {
    const params = { group: { name: '北片', nameEn: 'North' }, period: '2026-12', meetingKind: 'group' };
    expect(notificationText('zh-CN', 'group_plan.returned', { ...params, note: '请补充目标' })).toEqual({
      text: '月度计划被退回修改：北片 2026-12',
      note: '说明：请补充目标',
    });
    expect(notificationText('en', 'meeting.recorded', params).text).toBe('Group meeting recorded: North 2026-12');
    expect(
      notificationText('zh-CN', 'meeting.scheduled', { ...params, meetingKind: 'hq_summary', period: '2026-H2' }).text,
    ).toBe('指挥部半年总结会议已安排：2026-H2');
  });
});
