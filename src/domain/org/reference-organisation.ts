import type { Role } from '../../../workflows/shared/actor';
import type { SquadKind } from '../../persistence/entities';

/**
 * The reference organisation (SPEC §2): Huangpu District brigade, Shanghai —
 * 17 squads (R2: 10 street, 2 commercial, 3 scenic, 2 mobile) in 4 linkage
 * groups (R3). Codes are stable: tests and tools use them.
 */
export const REFERENCE_BRIGADE = {
  code: 'huangpu',
  name: '黄浦区城管执法大队',
  nameEn: 'Huangpu District City Management Enforcement Brigade',
};

export interface ReferenceSquad {
  code: string;
  name: string;
  nameEn: string;
  kind: SquadKind;
  dutyStrength: number;
}

export interface ReferenceGroup {
  code: string;
  name: string;
  nameEn: string;
  /** In member order (R9: conveners rotate in this order). */
  squads: ReferenceSquad[];
}

const street = (code: string, name: string, nameEn: string): ReferenceSquad => ({
  code,
  name,
  nameEn,
  kind: 'street',
  dutyStrength: 7,
});
const commercial = (code: string, name: string, nameEn: string): ReferenceSquad => ({
  code,
  name,
  nameEn,
  kind: 'commercial',
  dutyStrength: 6,
});
const scenic = (code: string, name: string, nameEn: string): ReferenceSquad => ({
  code,
  name,
  nameEn,
  kind: 'scenic',
  dutyStrength: 6,
});

export const REFERENCE_GROUPS: ReferenceGroup[] = [
  {
    code: 'north',
    name: '北片',
    nameEn: 'North',
    squads: [
      street('waitan', '外滩中队', 'Waitan squad'),
      street('nanjingdonglu', '南京东路中队', 'East Nanjing Road squad'),
      commercial('nanjinglu-walk', '南京路步行街中队', 'Nanjing Road Pedestrian Street squad'),
      scenic('bund-scenic', '外滩风景区中队', 'Bund Scenic Area squad'),
    ],
  },
  {
    code: 'oldcity',
    name: '老城厢',
    nameEn: 'Old City',
    squads: [
      street('yuyuan', '豫园中队', 'Yuyuan squad'),
      street('xiaodongmen', '小东门中队', 'Xiaodongmen squad'),
      street('laoximen', '老西门中队', 'Laoximen squad'),
      scenic('yuyuan-scenic', '豫园旅游区中队', 'Yuyuan Tourist Area squad'),
    ],
  },
  {
    code: 'south',
    name: '南片',
    nameEn: 'South',
    squads: [
      street('bansongyuanlu', '半淞园路中队', 'Bansongyuan Road squad'),
      street('wuliqiao', '五里桥中队', 'Wuliqiao squad'),
      street('dapuqiao', '打浦桥中队', 'Dapuqiao squad'),
    ],
  },
  {
    code: 'west',
    name: '西片',
    nameEn: 'West',
    squads: [
      street('huaihaizhonglu', '淮海中路中队', 'Middle Huaihai Road squad'),
      street('ruijinerlu', '瑞金二路中队', 'Ruijin No.2 Road squad'),
      commercial('huaihailu', '淮海路中队', 'Huaihai Road squad'),
      scenic('xintiandi', '新天地中队', 'Xintiandi squad'),
    ],
  },
];

/** R3: mobile squads belong to no group and reinforce anywhere. */
export const REFERENCE_UNGROUPED: ReferenceSquad[] = [
  { code: 'mobile-1', name: '机动一中队', nameEn: 'Mobile squad 1', kind: 'mobile', dutyStrength: 12 },
  { code: 'mobile-2', name: '机动二中队', nameEn: 'Mobile squad 2', kind: 'mobile', dutyStrength: 12 },
];

export interface DemoUser {
  username: string;
  displayName: string;
  roles: Role[];
  squad: string | null;
}

/** Demo users (SPEC §2): a leader and an officer per squad, the HQ posts, an administrator. */
export function demoUsers(): DemoUser[] {
  const squads = [...REFERENCE_GROUPS.flatMap((g) => g.squads), ...REFERENCE_UNGROUPED];
  const users: DemoUser[] = squads.flatMap((s) => [
    { username: `${s.code}.leader`, displayName: `${s.name}领导`, roles: ['squad_leader'] as Role[], squad: s.code },
    { username: `${s.code}.officer`, displayName: `${s.name}队员`, roles: ['officer'] as Role[], squad: s.code },
  ]);
  users.push(
    { username: 'duty', displayName: '勤务指挥科值班员', roles: ['duty_officer'], squad: null },
    { username: 'duty2', displayName: '勤务指挥科值班员二', roles: ['duty_officer'], squad: null },
    { username: 'commander', displayName: '总指挥', roles: ['commander'], squad: null },
    { username: 'inspector', displayName: '督察员', roles: ['inspector'], squad: null },
    // An inspector posted with a squad: the rule "never audit your own squad's holding" applies to them (R14).
    { username: 'inspector2', displayName: '督察员（外滩中队）', roles: ['inspector'], squad: 'waitan' },
    { username: 'legal', displayName: '法制科', roles: ['legal'], squad: null },
    { username: 'admin', displayName: '系统管理员', roles: ['admin'], squad: null },
  );
  return users;
}
