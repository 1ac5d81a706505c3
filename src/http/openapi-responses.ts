import { z } from 'zod';
import { storedFile } from './schemas/responses/file.response';
import { history, verifiedHistory } from './schemas/responses/common.response';
import {
  apiToken,
  apiTokenList,
  brigade,
  group,
  groupList,
  me,
  squad,
  squadList,
  user,
  userList,
} from './schemas/responses/admin.response';
import {
  caseDetail,
  caseListItem,
  casePage,
  transferDetail,
  transferListItem,
  transferPage,
  transferStepAnswer,
} from './schemas/responses/case.response';
import {
  assessment,
  drillPage,
  figure,
  figures,
  figureValue,
  indicatorList,
} from './schemas/responses/figures.response';
import {
  custody,
  goodsDetail,
  goodsLedger,
  goodsListItem,
  goodsPage,
  goodsRegistered,
  goodsStepAnswer,
} from './schemas/responses/goods.response';
import { notification, notificationPage, readAllAnswer } from './schemas/responses/notification.response';
import {
  incidentListItem,
  incidentPage,
  operationDetail,
  operationListItem,
  operationPage,
  operationStepAnswer,
} from './schemas/responses/operation.response';
import { compliance, complianceMonth, flag, flagList, jobList, jobRun } from './schemas/responses/oversight.response';
import {
  groupPlanDetail,
  groupPlanList,
  groupPlanListItem,
  groupPlanStepAnswer,
  meetingDetail,
  meetingList,
  meetingListItem,
  meetingStepAnswer,
  rotation,
} from './schemas/responses/plans-meetings.response';
import {
  duplicateList,
  likelyDuplicate,
  noticeDetail,
  noticeListItem,
  noticePage,
  noticeStepAnswer,
  problemDetail,
  problemListItem,
  problemPage,
  problemStepAnswer,
} from './schemas/responses/problem.response';

/**
 * The answers' schemas by their names in `components.schemas`: the very zod
 * schemas the presenters are typed by (src/http/schemas/responses), so the
 * document and the server's answers cannot drift apart.
 */
export const RESPONSE_SCHEMAS = {
  Operation: operationDetail,
  OperationListItem: operationListItem,
  OperationPage: operationPage,
  OperationStep: operationStepAnswer,
  History: verifiedHistory,
  RecordHistory: history,
  Incident: incidentListItem,
  IncidentPage: incidentPage,
  Me: me,
  User: user,
  UserList: userList,
  Squad: squad,
  SquadList: squadList,
  Group: group,
  GroupList: groupList,
  Brigade: brigade,
  ApiToken: apiToken,
  ApiTokenList: apiTokenList,
  Notification: notification,
  NotificationPage: notificationPage,
  ReadAllResult: readAllAnswer,
  Flag: flag,
  FlagList: flagList,
  Compliance: compliance,
  ComplianceMonth: complianceMonth,
  JobList: jobList,
  JobRun: jobRun,
  Figures: figures,
  Figure: figure,
  FigureValue: figureValue,
  FigureRecords: drillPage,
  IndicatorList: indicatorList,
  Assessment: assessment,
  HardProblem: problemDetail,
  HardProblemSummary: problemListItem,
  HardProblemPage: problemPage,
  HardProblemStep: problemStepAnswer,
  LikelyDuplicate: likelyDuplicate,
  LikelyDuplicateList: duplicateList,
  BorderNotice: noticeDetail,
  BorderNoticeSummary: noticeListItem,
  BorderNoticePage: noticePage,
  BorderNoticeStep: noticeStepAnswer,
  Goods: goodsDetail,
  GoodsListItem: goodsListItem,
  GoodsPage: goodsPage,
  GoodsRegistered: goodsRegistered,
  GoodsStep: goodsStepAnswer,
  Custody: custody,
  GoodsLedger: goodsLedger,
  CaseSummary: caseListItem,
  CasePage: casePage,
  Case: caseDetail,
  TransferSummary: transferListItem,
  TransferPage: transferPage,
  Transfer: transferDetail,
  TransferStep: transferStepAnswer,
  GroupPlan: groupPlanDetail,
  GroupPlanSummary: groupPlanListItem,
  GroupPlanList: groupPlanList,
  GroupPlanStep: groupPlanStepAnswer,
  Meeting: meetingDetail,
  MeetingSummary: meetingListItem,
  MeetingList: meetingList,
  MeetingStep: meetingStepAnswer,
  Rotation: rotation,
  EvidenceFile: storedFile,
} satisfies Record<string, z.ZodType>;

export type ResponseName = keyof typeof RESPONSE_SCHEMAS;

/**
 * The JSON Schema (2020-12, as OpenAPI 3.1 takes it) of what the server sends:
 * a named schema inside another (a page's items, a case's transfers) is a
 * reference to it, so a generated client has one type for each.
 */
export function responseComponents(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(RESPONSE_SCHEMAS)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, { io: 'output', uri: (name) => `#/components/schemas/${name}` });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => {
      const { $schema: _, $id: __, ...js } = schema as Record<string, unknown>;
      return [name, js];
    }),
  );
}

/** A success answer with its schema. */
export const ok = (description: string, name: ResponseName) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
});
