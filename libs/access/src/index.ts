export * from './auth-secret';
export * from './password-hash';
export * from './user-directory';
