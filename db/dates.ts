// The calendar rule the data model stores besides the claim's deadline (that is the pipeline's
// `deadlineOf`): how long originals are kept. The arithmetic is the pipeline's (pipeline/dates.ts).
import { addMonths } from '../pipeline/dates.ts';

export const RETENTION_MONTHS = 24;

/** Originals are kept 24 months from the activity date; they may go the day after this. */
export function retentionUntil(activityDate: string): string {
  return addMonths(activityDate, RETENTION_MONTHS);
}
