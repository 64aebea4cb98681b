export { Host, type ApplyResult, type HostOptions } from './host.ts';
export { DeviceList, type HwAddr } from './device-list.ts';
export { DeviceFlags } from './flags.ts';
export { GroupRecord, type FilterMode } from './group.ts';
export * from './limits.ts';
