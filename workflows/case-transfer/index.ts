export * from './case-transfer.types';
export * from './case-transfer.rules';
export { caseTransferMachine, CASE_TRANSFER_MACHINE_VERSION } from './case-transfer.machine';
