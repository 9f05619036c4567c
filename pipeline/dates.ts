// Calendar dates as plain `YYYY-MM-DD` strings. All arithmetic goes through UTC day numbers, so
// the machine's timezone and daylight-saving changes can never shift a date by one.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
/** Day numbers of dates already seen; only valid dates get in. */
const dayCache = new Map<string, number>();

/** A real calendar date in strict ISO form: "2026-02-29" is refused, "2026-2-3" too. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (dayCache.has(value)) return true;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days since 1970-01-01 (negative before). Throws on anything but a real ISO date. */
export function toDayNumber(date: string): number {
  // Matching compares the same few dates many times over; parsing them once is enough.
  const known = dayCache.get(date);
  if (known !== undefined) return known;
  const day = parseDayNumber(date);
  if (dayCache.size >= 10_000) dayCache.clear();
  dayCache.set(date, day);
  return day;
}

function parseDayNumber(date: string): number {
  if (!isIsoDate(date)) throw new RangeError(`"${date}" is not a calendar date in YYYY-MM-DD form`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const utc = new Date(0);
  // setUTCFullYear keeps years 0..99 as written (Date.UTC would map them to 1900..1999).
  utc.setUTCFullYear(y, m - 1, d);
  return Math.round(utc.getTime() / MS_PER_DAY);
}

export function fromDayNumber(day: number): string {
  const dt = new Date(day * MS_PER_DAY);
  const y = dt.getUTCFullYear();
  const yy = y < 0 ? '-' + String(-y).padStart(6, '0') : String(y).padStart(4, '0');
  return `${yy}-${String(dt.getUTCMonth() + 1).padStart(2, '0')}-${String(dt.getUTCDate()).padStart(2, '0')}`;
}

/** The last date in the four-digit ISO form every date here is compared in as a string. */
export const LAST_DATE = '9999-12-31';
/** Dates after this are refused on input, so a deadline (+ days) or a retention date (+ months) still fits LAST_DATE. */
export const LAST_INPUT_DATE = '9997-12-31';

/** Throws a RangeError when `date + days` falls outside the years 0000–9999 (string comparison would break). */
export function addDays(date: string, days: number): string {
  const day = toDayNumber(date) + days;
  if (day > toDayNumber(LAST_DATE) || day < toDayNumber('0000-01-01')) {
    throw new RangeError(`${date} + ${days} days is outside the years 0000–9999`);
  }
  return fromDayNumber(day);
}

/** Calendar months; the day is clamped to the target month's end (01-31 + 1 month = 02-28/29). */
export function addMonths(date: string, months: number): string {
  if (!isIsoDate(date)) throw new RangeError(`"${date}" is not a calendar date in YYYY-MM-DD form`);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = total - ny * 12 + 1;
  const nd = Math.min(d, daysInMonth(ny, nm));
  if (ny > 9999 || ny < 0) throw new RangeError(`${date} + ${months} months is outside the years 0000–9999`);
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(nd).padStart(2, '0')}`;
}

/** `to - from` in days: daysBetween('2026-03-01', '2026-03-04') === 3. */
export function daysBetween(from: string, to: string): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Inclusive on both ends. */
export function isWithin(date: string, start: string, end: string): boolean {
  return date >= start && date <= end;
}

/** How many days `date` lies outside [start, end]; 0 when inside. */
export function daysOutside(date: string, start: string, end: string): number {
  if (date < start) return daysBetween(date, start);
  if (date > end) return daysBetween(end, date);
  return 0;
}
