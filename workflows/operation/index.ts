export * from './operation.types';
export * from './operation.rules';
export { operationMachine, operationSnapshotMigrations, OPERATION_MACHINE_VERSION } from './operation.machine';
