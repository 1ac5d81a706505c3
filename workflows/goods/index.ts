export * from './goods.types';
export * from './goods.rules';
export { goodsMachine, GOODS_MACHINE_VERSION } from './goods.machine';
