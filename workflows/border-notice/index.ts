export * from './border-notice.types';
export * from './border-notice.rules';
export { borderNoticeMachine, BORDER_NOTICE_MACHINE_VERSION } from './border-notice.machine';
