// The calendar rules the data model stores: a claim's deadline and how long originals are kept.
// The arithmetic itself is the pipeline's (UTC day numbers on `YYYY-MM-DD` strings).
import { addDays, addMonths, isIsoDate } from '../pipeline/dates.ts';

export { addDays, addMonths, isIsoDate };

export const CLAIM_DEADLINE_DAYS = 45;
export const RETENTION_MONTHS = 24;

/** A claim is due 45 days after the end of its usage period. */
export function claimDeadline(usageEnd: string): string {
  return addDays(usageEnd, CLAIM_DEADLINE_DAYS);
}

/** Originals are kept 24 months from the activity date; they may go the day after this. */
export function retentionUntil(activityDate: string): string {
  return addMonths(activityDate, RETENTION_MONTHS);
}
