// The dashboard's entry: `createDashboard(deps)` is mounted at `/` by the API app.
export { correctionsFromForm, createDashboard } from './app.tsx';
export { sessionActorForReads, sessionFromRequest, SESSION_COOKIE } from './session.ts';
