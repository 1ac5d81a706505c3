/**
 * What makes the document a contract a client can be generated from (issue 12,
 * item 9): a stable operationId on every operation, a discriminator on every
 * event union, and the refusal of unknown query parameters said where they are
 * refused. Applied to the assembled document by openapi.ts.
 */

/** `method path` → operationId: stable names, never derived, so a generated client keeps its methods. */
export const OPERATION_IDS: Record<string, string> = {
  'get /healthz': 'health',
  'get /api/openapi.json': 'getOpenApiDocument',
  'get /api/v1/me': 'getMe',
  'get /api/v1/squads': 'listSquads',
  'post /api/v1/squads': 'createSquad',
  'patch /api/v1/squads/{code}': 'updateSquad',
  'get /api/v1/groups': 'listGroups',
  'post /api/v1/groups': 'createGroup',
  'patch /api/v1/groups/{code}': 'updateGroup',
  'get /api/v1/brigade': 'getBrigade',
  'patch /api/v1/brigade': 'updateBrigade',
  'get /api/v1/users': 'listUsers',
  'post /api/v1/users': 'createUser',
  'get /api/v1/users/{username}': 'getUser',
  'patch /api/v1/users/{username}': 'updateUser',
  'post /api/v1/users/{username}/password': 'resetUserPassword',
  'get /api/v1/tokens': 'listTokens',
  'delete /api/v1/tokens/{id}': 'revokeToken',
  'post /api/v1/operations': 'createOperation',
  'get /api/v1/operations': 'listOperations',
  'get /api/v1/operations/{id}': 'getOperation',
  'patch /api/v1/operations/{id}': 'updateOperationPlan',
  'post /api/v1/operations/{id}/events': 'sendOperationEvent',
  'get /api/v1/operations/{id}/history': 'getOperationHistory',
  'get /api/v1/operations/{id}/goods': 'getOperationGoodsLedger',
  'get /api/v1/incidents': 'listIncidents',
  'get /api/v1/flags': 'listFlags',
  'get /api/v1/flags/{id}': 'getFlag',
  'post /api/v1/flags/{id}/resolve': 'resolveFlag',
  'get /api/v1/compliance': 'getCompliance',
  'get /api/v1/compliance/{group}/{month}': 'getComplianceMonth',
  'get /api/v1/jobs': 'listJobs',
  'post /api/v1/jobs/{name}/run': 'runJob',
  'get /api/v1/notifications': 'listNotifications',
  'post /api/v1/notifications/read-all': 'markAllNotificationsRead',
  'post /api/v1/notifications/{id}/read': 'markNotificationRead',
  'post /api/v1/group-plans': 'createGroupPlan',
  'get /api/v1/group-plans': 'listGroupPlans',
  'get /api/v1/group-plans/{id}': 'getGroupPlan',
  'patch /api/v1/group-plans/{id}': 'updateGroupPlan',
  'post /api/v1/group-plans/{id}/events': 'sendGroupPlanEvent',
  'get /api/v1/group-plans/{id}/history': 'getGroupPlanHistory',
  'post /api/v1/meetings': 'createMeeting',
  'get /api/v1/meetings': 'listMeetings',
  'get /api/v1/meetings/rotation': 'getMeetingRotation',
  'get /api/v1/meetings/{id}': 'getMeeting',
  'patch /api/v1/meetings/{id}': 'updateMeeting',
  'post /api/v1/meetings/{id}/events': 'sendMeetingEvent',
  'get /api/v1/meetings/{id}/history': 'getMeetingHistory',
  'get /api/v1/figures': 'getFigures',
  'get /api/v1/figures/indicators': 'listIndicators',
  'get /api/v1/figures/assessment': 'getAssessment',
  'get /api/v1/figures/{indicator}/records': 'listFigureRecords',
  'post /api/v1/problems': 'reportProblem',
  'get /api/v1/problems': 'listProblems',
  'get /api/v1/problems/duplicates': 'findProblemDuplicates',
  'get /api/v1/problems/{id}': 'getProblem',
  'post /api/v1/problems/{id}/events': 'sendProblemEvent',
  'get /api/v1/problems/{id}/history': 'getProblemHistory',
  'post /api/v1/border-notices': 'sendBorderNotice',
  'get /api/v1/border-notices': 'listBorderNotices',
  'get /api/v1/border-notices/{id}': 'getBorderNotice',
  'get /api/v1/border-notices/{id}/plan-draft': 'getBorderNoticePlanDraft',
  'post /api/v1/border-notices/{id}/events': 'sendBorderNoticeEvent',
  'get /api/v1/border-notices/{id}/history': 'getBorderNoticeHistory',
  'post /api/v1/goods': 'registerGoods',
  'get /api/v1/goods': 'listGoods',
  'get /api/v1/goods/{id}': 'getGoods',
  'post /api/v1/goods/{id}/events': 'sendGoodsEvent',
  'get /api/v1/goods/{id}/history': 'getGoodsHistory',
  'get /api/v1/goods/{id}/custody': 'getGoodsCustody',
  'post /api/v1/cases': 'registerCase',
  'get /api/v1/cases': 'listCases',
  'get /api/v1/cases/{id}': 'getCase',
  'post /api/v1/transfers': 'proposeTransfer',
  'get /api/v1/transfers': 'listTransfers',
  'get /api/v1/transfers/{id}': 'getTransfer',
  'post /api/v1/transfers/{id}/events': 'sendTransferEvent',
  'get /api/v1/transfers/{id}/history': 'getTransferHistory',
  'post /api/v1/files': 'uploadFile',
  'get /api/v1/files/{id}': 'getFile',
  'get /api/v1/files/{id}/thumbnail': 'getFileThumbnail',
};

/** The request unions chosen by `type` (each a oneOf of closed objects, `type` a constant in each). */
const EVENT_UNIONS = [
  'Event',
  'GroupPlanEvent',
  'MeetingEvent',
  'HardProblemEvent',
  'BorderNoticeEvent',
  'GoodsEvent',
  'TransferEvent',
];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export const UNKNOWN_QUERY_REFUSED =
  'Query parameters other than those listed are refused: 400 `invalid_input`, the unknown parameter named in `fields` as `unrecognized_keys`.';

interface Operation {
  operationId?: string;
  description?: string;
  parameters?: Array<{ in: string }>;
  requestBody?: unknown;
  security?: unknown;
  responses: Record<string, unknown>;
  [k: string]: unknown;
}

type Schema = {
  oneOf?: Schema[];
  anyOf?: Schema[];
  properties?: Record<string, { const?: unknown }>;
  discriminator?: unknown;
  [k: string]: unknown;
};

/**
 * An event union as oneOf over named schemas (`Event_FILE`, `GoodsEvent_EXTEND` …)
 * with a discriminator on `type` mapping each type to its schema (every branch
 * must name its type as a constant).
 */
function discriminated(name: string, schemas: Record<string, unknown>): void {
  const schema = schemas[name] as Schema;
  const branches = schema.oneOf ?? schema.anyOf;
  if (!branches) throw new Error(`OpenAPI: ${name} is not a union`);
  const mapping: Record<string, string> = {};
  for (const b of branches) {
    const type = b.properties?.type?.const;
    if (typeof type !== 'string') throw new Error(`OpenAPI: a branch of ${name} has no constant type`);
    schemas[`${name}_${type}`] = b;
    mapping[type] = `#/components/schemas/${name}_${type}`;
  }
  const { anyOf: _, oneOf: __, $schema: ___, ...rest } = schema;
  schemas[name] = {
    ...rest,
    oneOf: Object.values(mapping).map(($ref) => ({ $ref })),
    discriminator: { propertyName: 'type', mapping },
  };
}

/** The refusals any call can meet, as the document words them. */
export interface CommonRefusals {
  badRequest: unknown;
  /** 403 to a caller whose only role is the 12319 hotline feed, outside the hard problems (middleware/hotline-feed.ts). */
  hotlineFeed: unknown;
  tooLarge: unknown;
  unsupportedEncoding: unknown;
}

export function asContract(
  doc: { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } },
  refusals: CommonRefusals,
): void {
  for (const name of EVENT_UNIONS) discriminated(name, doc.components.schemas);
  const seen = new Set<string>();
  for (const [path, shared] of Object.entries(doc.paths)) {
    const item = { ...shared };
    doc.paths[path] = item;
    for (const method of Object.keys(item).filter((k) => METHODS.includes(k))) {
      // Parts build some operations from one shared object (e.g. every /history): each gets its own copy to name.
      const op = { ...(item[method] as Operation) };
      op.responses = { ...op.responses };
      item[method] = op;
      const operationId = OPERATION_IDS[`${method} ${path}`];
      if (!operationId) throw new Error(`OpenAPI: no operationId for ${method} ${path}`);
      if (seen.has(operationId)) throw new Error(`OpenAPI: operationId ${operationId} twice`);
      seen.add(operationId);
      op.operationId = operationId;
      if (op.parameters?.some((p) => p.in === 'query')) {
        op.description = op.description ? `${op.description}\n\n${UNKNOWN_QUERY_REFUSED}` : UNKNOWN_QUERY_REFUSED;
        op['x-unknown-query-parameters'] = 'refused';
        op.responses['400'] ??= refusals.badRequest;
      }
      if (path.startsWith('/api/v1/') && op.security === undefined) op.responses['403'] ??= refusals.hotlineFeed;
      if (op.requestBody) {
        op.responses['413'] ??= refusals.tooLarge;
        op.responses['415'] ??= refusals.unsupportedEncoding;
      }
    }
  }
}
