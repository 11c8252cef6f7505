import { WindowLimiter } from "../http/rate-limit";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Per isolate, like the request limit: an edge-wide count would need a shared store on the hot path. */
const SHOWN = new WindowLimiter(DAY_MS);

const keyOf = (site: string, client: string) => `${site}|${client}`;

/**
 * Promo codes shown to one client address a day: a farmer making new anonymous ids from one machine
 * gets at most `max` codes. Counts codes actually returned, so a client that never earns one loses
 * nothing.
 *
 * @example if (promoAllowed(site, ip, 10, now)) …; countPromosShown(site, ip, actions.length, now)
 */
export function promoAllowed(site: string, client: string, max: number, now: number): boolean {
  return SHOWN.used(keyOf(site, client), now) < max;
}

/** Records codes a collect answer carried to this client. */
export function countPromosShown(site: string, client: string, codes: number, now: number): void {
  if (codes > 0) SHOWN.add(keyOf(site, client), codes, now);
}
