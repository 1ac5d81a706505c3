import type { TestApp } from './test-app';

/** The package every transfer carries by default (config `transfers.requiredMaterials`). */
export const REQUIRED_MATERIALS = [
  'inspection_record',
  'inquiry_record',
  'photos_video',
  'evidence_list',
  'transfer_letter',
];

export function materials(leave: string[] = []): Array<{ code: string; count: number; description: string }> {
  return REQUIRED_MATERIALS.filter((c) => !leave.includes(c)).map((code) => ({
    code,
    count: 2,
    description: `${code} 两份`,
  }));
}

let serial = 0;

/** Registers a case for `as`'s squad; returns its id. */
export async function registerCase(
  t: TestApp,
  as = 'waitan.leader',
  over: Record<string, unknown> = {},
): Promise<number> {
  serial += 1;
  const res = await t.as(as).post('/api/v1/cases', {
    reference: `黄浦城管罚字〔2026〕${String(serial).padStart(4, '0')}号`,
    partyKind: 'stall',
    partyName: '流动摊贩王某',
    violation: '占道经营',
    location: '南京东路与河南中路路口',
    ...over,
  });
  if (res.status !== 201) throw new Error(`register case: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** Proposes to transfer a case; returns the transfer's id. */
export async function proposeTransfer(
  t: TestApp,
  caseId: number,
  toSquad = 'nanjingdonglu',
  as = 'waitan.leader',
  over: Record<string, unknown> = {},
): Promise<number> {
  const res = await t.as(as).post('/api/v1/transfers', {
    case: caseId,
    toSquad,
    materials: materials(),
    note: '违法行为发生地在对方辖区',
    ...over,
  });
  if (res.status !== 201) throw new Error(`propose transfer: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}
