// The service core: every operation the CLI, the API, the dashboard and the workers perform.
export * from './access.ts';
export * from './checks.ts';
export * from './claims.ts';
export * from './context.ts';
export * from './documents.ts';
export * from './errors.ts';
export * from './flags.ts';
export * from './jobs.ts';
export * from './report.ts';
export * from './retention.ts';
export * from './storage.ts';
export * from './sweep.ts';
export * from './tokens.ts';
export * from './sessions.ts';
