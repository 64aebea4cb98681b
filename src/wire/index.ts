export * from './mac.ts';
export * from './ip.ts';
export * from './ipv6.ts';
export * from './mapping.ts';
export * from './crc.ts';
export * from './mac-key.ts';
