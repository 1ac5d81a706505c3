import { type EntityManager, In } from 'typeorm';
import { Case, GoodsParty, Operation, OperationSquad } from '../../persistence/entities';

/** What the register form of an operation's goods shows: the operation, its squads in order, the cases registered on it. */
export interface RegisterForm {
  operation: Operation;
  squadIds: number[];
  caseRefs: string[];
}

/** The register form's data, or null for an operation not in the brigade. */
export async function registerFormOf(
  m: EntityManager,
  brigadeId: number,
  operationId: number,
): Promise<RegisterForm | null> {
  const operation = await m.findOneBy(Operation, { id: operationId, brigadeId });
  if (!operation) return null;
  const [squads, cases] = await Promise.all([
    m.find(OperationSquad, { where: { operationId }, order: { position: 'ASC' } }),
    m.find(Case, { select: { reference: true }, where: { brigadeId, operationId }, order: { id: 'ASC' } }),
  ]);
  return { operation, squadIds: squads.map((s) => s.squadId), caseRefs: cases.map((c) => c.reference) };
}

/** The parties' names by id, in the brigade (the inbox's cards name whose goods wait). */
export async function partyNames(
  m: EntityManager,
  brigadeId: number,
  ids: readonly number[],
): Promise<Map<number, string>> {
  const parties = ids.length
    ? await m.find(GoodsParty, { select: { id: true, name: true }, where: { brigadeId, id: In([...new Set(ids)]) } })
    : [];
  return new Map(parties.map((p) => [p.id, p.name]));
}
