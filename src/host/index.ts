export { Host, type ApplyResult, type HostOptions } from './host.ts';
export { DeviceList, type HwAddr } from '../netdev/device-list.ts';
export { DeviceFlags } from '../netdev/flags.ts';
export { GroupRecord, type FilterMode } from './group.ts';
export * from './limits.ts';
