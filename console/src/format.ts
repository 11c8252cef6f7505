/** How the console writes numbers, times and people. */

const NUMBER = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const SIGNED = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2, signDisplay: "exceptZero" });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const SHORT = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
const STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [["day", 86_400_000], ["hour", 3_600_000], ["minute", 60_000], ["second", 1000]];

/** @example points(17.5) // "17.5" */
export const points = (n: number) => NUMBER.format(n);
/** @example signedPoints(20) // "+20" */
export const signedPoints = (n: number) => SIGNED.format(n);
/** @example dateTime(Date.now()) // "1 Dec 2026, 09:41" */
export const dateTime = (t: number | string) => DATE_TIME.format(new Date(t));

const TIME = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });

/**
 * The time of day, with the date only when it is not `sameDayAs`'s day.
 *
 * @example timeOnDay(t, t) // "9:41 AM"
 */
export function timeOnDay(t: number, sameDayAs: number): string {
  return new Date(t).toDateString() === new Date(sameDayAs).toDateString() ? TIME.format(t) : SHORT.format(t);
}

/** @example shortDateTime(Date.now()) // "Dec 1, 9:41 AM" */
export const shortDateTime = (t: number | string) => SHORT.format(new Date(t));

/**
 * "3 minutes ago", "in 2 hours".
 *
 * @example ago(Date.now() - 120_000, Date.now()) // "2 minutes ago"
 */
export function ago(t: number | string, now = Date.now()): string {
  const diff = new Date(t).getTime() - now;
  for (const [unit, ms] of STEPS) if (Math.abs(diff) >= ms) return RELATIVE.format(Math.round(diff / ms), unit);
  return RELATIVE.format(0, "second");
}

/** Who a lead is to a person: the e-mail (user id), else the first anonymous id, else the lead id. */
export function who(lead: { userId: string | null; anonymousIds?: string[]; leadId?: string; id?: string }): string {
  return lead.userId ?? lead.anonymousIds?.[0] ?? lead.leadId ?? lead.id ?? "?";
}

/**
 * A count with its noun, in the singular for one.
 *
 * @example plural(2, "message") // "2 messages"
 */
export const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
