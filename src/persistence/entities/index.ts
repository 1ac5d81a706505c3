import { ApiToken, Brigade, LinkageGroup, Squad, User, UserRole } from './org.entity';
import { HoldingRecord, Operation, OperationIncident, OperationSquad } from './operation.entity';
import { OutboxMessage, WorkflowDeadline, WorkflowHistory, WorkflowInstance } from './workflow.entity';
import { AppSetting, SignInThrottle, WebSession } from './web.entity';
import { Flag, JobRun, JobRunBrigade, JobSlot } from './oversight.entity';
import { Notification, NotificationDelivery } from './notification.entity';
import { GroupPlan, Meeting } from './plans-meetings.entity';
import { FigureMonthFacts } from './figures.entity';
import {
  BorderNotice,
  HardProblem,
  HardProblemOperation,
  HardProblemReport,
  HardProblemResolution,
} from './hard-problem.entity';
import { GoodsItem, GoodsParty } from './goods.entity';
import { Case, CaseTransfer } from './case.entity';
import { RecordNumber } from './numbering.entity';
import { HistoryAnchor } from './history-anchor.entity';
import { EvidenceAttachment, EvidenceFile } from './file.entity';

export * from './org.entity';
export * from './operation.entity';
export * from './workflow.entity';
export * from './web.entity';
export * from './oversight.entity';
export * from './notification.entity';
export * from './plans-meetings.entity';
export * from './figures.entity';
export * from './hard-problem.entity';
export * from './goods.entity';
export * from './case.entity';
export * from './numbering.entity';
export * from './history-anchor.entity';
export * from './file.entity';

export const ENTITIES = [
  Brigade,
  LinkageGroup,
  Squad,
  User,
  UserRole,
  ApiToken,
  WorkflowInstance,
  WorkflowHistory,
  OutboxMessage,
  WorkflowDeadline,
  Operation,
  OperationSquad,
  OperationIncident,
  HoldingRecord,
  WebSession,
  SignInThrottle,
  AppSetting,
  JobSlot,
  JobRun,
  JobRunBrigade,
  Flag,
  Notification,
  NotificationDelivery,
  GroupPlan,
  FigureMonthFacts,
  Meeting,
  HardProblem,
  HardProblemReport,
  HardProblemOperation,
  HardProblemResolution,
  BorderNotice,
  GoodsParty,
  GoodsItem,
  Case,
  CaseTransfer,
  RecordNumber,
  HistoryAnchor,
  EvidenceFile,
  EvidenceAttachment,
];
