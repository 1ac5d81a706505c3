export * from './operation.types';
export * from './operation.rules';
export { operationMachine, OPERATION_MACHINE_VERSION } from './operation.machine';
