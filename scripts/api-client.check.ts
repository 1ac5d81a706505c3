/**
 * A client written against the types openapi-typescript generates from the
 * document (`npm run lint:api` copies this beside them and type-checks it):
 * proof that a team can generate a client from the contract.
 */
import type { components, operations, paths } from './api';

type Schemas = components['schemas'];
type OperationPage = paths['/api/v1/operations']['get']['responses'][200]['content']['application/json'];
type SendEvent = operations['sendOperationEvent'];

export async function listOperations(base: string, token: string): Promise<OperationPage> {
  const res = await fetch(`${base}/api/v1/operations`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as OperationPage;
}

export async function file(
  base: string,
  token: string,
  id: number,
  expectedVersion: number,
): Promise<Schemas['OperationStep']> {
  const body: SendEvent['requestBody']['content']['application/json'] = { type: 'FILE', expectedVersion };
  const res = await fetch(`${base}/api/v1/operations/${id}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as SendEvent['responses'][200]['content']['application/json'];
}

// The answers are exact: a list item is not an operation, states are the machine's.
export const titles = (page: OperationPage): string[] => page.items.map((o: Schemas['OperationListItem']) => o.title);
export const mayApprove = (o: Schemas['Operation']): boolean =>
  o.state === 'filed' && o.allowedEvents.includes('APPROVE');
export const noticeVersion = (n: Schemas['BorderNotice']): number => n.version;

// @ts-expect-error a list item has no allowedEvents (read the operation for those)
export const listItemEvents = (o: Schemas['OperationListItem']) => o.allowedEvents;
// @ts-expect-error no such state
export const impossible = (o: Schemas['Operation']): boolean => o.state === 'teleported';
// @ts-expect-error an event the machine does not take
export const teleport: Schemas['Event'] = { type: 'TELEPORT', expectedVersion: 1 };
