// Calendar arithmetic on `YYYY-MM-DD` strings, in UTC so the server's time zone never moves a day.

export const CLAIM_DEADLINE_DAYS = 45;
export const RETENTION_MONTHS = 24;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: string): [number, number, number] {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function format(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** True for a real calendar day written `YYYY-MM-DD` (2026-02-30 is not one). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const [y, m, d] = parts(value);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return format(new Date(Date.UTC(y, m - 1, d + days)));
}

/** Adds calendar months; a day the target month lacks becomes its last day (like PostgreSQL). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return format(new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))));
}

/** A claim is due 45 days after the end of its usage period. */
export function claimDeadline(usageEnd: string): string {
  return addDays(usageEnd, CLAIM_DEADLINE_DAYS);
}

/** Originals are kept 24 months from the activity date; they may go the day after this. */
export function retentionUntil(activityDate: string): string {
  return addMonths(activityDate, RETENTION_MONTHS);
}
