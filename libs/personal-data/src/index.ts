export * from './event-protection';
export * from './master-key';
export * from './personal-keys';
export { PersonalDataKeys1764200000001 } from './personal-data.migration';
