/**
 * Warnings about a valid config: what is legal but almost surely wrong (a rule on an event name no
 * source sends, a line the scale cannot reach, a secret that is not set). They never block a save;
 * the write answers them beside the new version so the operator (and later the console) sees them.
 */
import { standardName } from "../routes/segment-events";
import { globWarnings, type Model, type Rule } from "../scoring";
import { whsecSchema } from "../webhooks/secret";
import type { SiteConfig } from "./config";

export interface ConfigWarning {
  /** A JSON path into the config. */
  path: string;
  /** Stable name of the kind of warning, for tools: see WARNING_CODES. */
  code: WarningCode;
  message: string;
}

export const WARNING_CODES = [
  "segment_event_name",
  "unknown_event",
  "trait_not_seen",
  "unreachable_line",
  "unknown_promo_label",
  "secret_not_set",
  "secret_malformed",
  "write_key_site",
  "props_on_identify",
  "glob_continues",
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** What the deployment knows beyond the config: its secrets and the trait names leads have carried. */
export interface WarningContext {
  site: string;
  /** The value of a Worker secret (env binding), undefined when it is not set. */
  secret: (name: string) => string | undefined;
  /** Trait names leads of this site have carried; empty until leads report them. */
  seenTraits: readonly string[];
}

/** The contract's standard event names, and the ones the worker itself produces. */
export const STANDARD_EVENTS = [
  "page_view", "cart_add", "chat_open", "chat_message", "form_submit", "quote_request", "signup",
  "download", "purchase", "unsubscribe", "email_open", "email_click", "identify", "group",
  "visit_start", "outbound_click",
] as const;

/** Events that carry traits, not props (identify and group become trait updates). */
const TRAIT_EVENTS: ReadonlySet<string> = new Set(["identify", "group"]);

/** Segment's reserved identify traits: names a trait rule most likely meant when it is one letter off. */
const COMMON_TRAITS = [
  "email", "name", "firstName", "lastName", "phone", "title", "username", "age", "birthday", "gender",
  "company", "company.name", "company.employees", "company.industry", "address.country", "address.city",
  "createdAt", "website", "industry", "plan",
];

/**
 * Edit distance with swapped neighbours counting as one edit ("emial" is one from "email"), bounded:
 * anything above `max` is reported as max + 1 (names are short, and only near misses matter).
 *
 * @example editDistance("pageview", "page_view", 2) // 1
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
    }
    rows.push(row);
  }
  return Math.min(rows[a.length]![b.length]!, max + 1);
}

const fold = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * The known name `name` most likely meant: the same letters in another case or spelling
 * ("pageView", "page-view"), else the nearest within a couple of edits. Undefined when none is near.
 *
 * @example didYouMean("pageview", ["page_view", "cart_add"]) // "page_view"
 */
export function didYouMean(name: string, known: Iterable<string>): string | undefined {
  const candidates = [...new Set(known)].filter((k) => k !== name);
  const folded = candidates.find((k) => fold(k) === fold(name));
  if (folded) return folded;
  const max = name.length >= 6 ? 2 : 1;
  let best: { name: string; distance: number } | undefined;
  for (const k of candidates) {
    const distance = editDistance(fold(name), fold(k), max);
    if (distance <= max && (!best || distance < best.distance)) best = { name: k, distance };
  }
  return best?.name;
}

const list = (value: string | string[]) => (typeof value === "string" ? [value] : value);
const suggestion = (near: string | undefined) => (near ? `; did you mean "${near}"?` : "");

/** The event names a rule reacts to, with their JSON paths: a behaviour rule's, each step's of a combined rule, an absence rule's. */
function eventPaths(rule: Rule, base: string): Array<{ name: string; path: string }> {
  const at = (value: string | string[] | undefined, path: string) =>
    value === undefined ? [] : typeof value === "string" ? [{ name: value, path }] : value.map((name, k) => ({ name, path: `${path}[${k}]` }));
  if ("trait" in rule) return [];
  if ("all" in rule) return rule.all.flatMap((step, k) => at(step.event, `${base}.all[${k}].event`));
  if ("absence" in rule) return at(rule.absence.events, `${base}.absence.events`);
  return at(rule.event, `${base}.event`);
}

/** Names rules use, counted: a name most rules agree on is the one a lone near miss meant. */
function eventCounts(config: SiteConfig): Map<string, number> {
  const counts = new Map<string, number>();
  for (const model of config.models) for (const rule of model.rules) for (const { name } of eventPaths(rule, "")) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

function eventNameWarning(name: string, path: string, counts: Map<string, number>): ConfigWarning | undefined {
  if (name === "*" || (STANDARD_EVENTS as readonly string[]).includes(name)) return undefined;
  const renamed = standardName(name);
  if (renamed !== name) {
    return { path, code: "segment_event_name", message: `the Segment endpoints turn "${name}" into "${renamed}", so this name never matches a server-side event; did you mean "${renamed}"?` };
  }
  const mine = counts.get(name) ?? 0;
  const known = [...STANDARD_EVENTS, ...[...counts].filter(([, n]) => n > mine).map(([k]) => k)];
  const near = didYouMean(name, known);
  if (!near) return undefined;
  return { path, code: "unknown_event", message: `no source sends "${name}" (it is not a standard name, nor one the rest of this config uses)${suggestion(near)}` };
}

function eventWarnings(config: SiteConfig): ConfigWarning[] {
  const counts = eventCounts(config);
  const out: ConfigWarning[] = [];
  config.models.forEach((model, i) =>
    model.rules.forEach((rule, j) => {
      const base = `$.models[${i}].rules[${j}]`;
      for (const { name, path } of eventPaths(rule, base)) {
        const warning = eventNameWarning(name, path, counts);
        if (warning) out.push(warning);
      }
      if (!("event" in rule)) return;
      const events = list(rule.event);
      if (rule.when?.props && events.some((e) => TRAIT_EVENTS.has(e))) {
        out.push({ path: `${base}.when.props`, code: "props_on_identify", message: `"identify" and "group" carry traits, not props: this condition only holds for the rule's other events` });
      }
    }),
  );
  const requireEvent = config.promo?.requireEvent;
  if (requireEvent !== undefined && requireEvent !== "*" && !counts.has(requireEvent)) {
    const warning = eventNameWarning(requireEvent, "$.promo.requireEvent", counts);
    if (warning) out.push(warning);
    else if (!(STANDARD_EVENTS as readonly string[]).includes(requireEvent)) {
      out.push({ path: "$.promo.requireEvent", code: "unknown_event", message: `no rule scores "${requireEvent}" and it is not a standard event: a lead earns a promo code only after sending it` });
    }
  }
  return out;
}

function traitPaths(model: Model, i: number): Array<{ name: string; path: string }> {
  const out: Array<{ name: string; path: string }> = [];
  model.rules.forEach((rule, j) => {
    if ("trait" in rule) out.push({ name: rule.trait, path: `$.models[${i}].rules[${j}].trait` });
  });
  const clauses = model.audience === undefined ? [] : Array.isArray(model.audience) ? model.audience : [model.audience];
  clauses.forEach((clause, k) => {
    for (const name of Object.keys(clause)) out.push({ name, path: `$.models[${i}].audience${Array.isArray(model.audience) ? `[${k}]` : ""}["${name}"]` });
  });
  return out;
}

/** A rule's trait is seen when a lead carried it, or an object it lives in ("company" for "company.size"), or a field of it. */
function seen(name: string, seenTraits: ReadonlySet<string>): boolean {
  if (seenTraits.has(name)) return true;
  const parts = name.split(".");
  for (let k = 1; k < parts.length; k++) if (seenTraits.has(parts.slice(0, k).join("."))) return true;
  for (const s of seenTraits) if (s.startsWith(`${name}.`)) return true;
  return false;
}

/**
 * Traits no lead has carried. Until leads report their trait names (`seenTraits` empty), only names
 * one edit or two away from another trait the config uses, or a common one, are flagged.
 */
function traitWarnings(config: SiteConfig, context: WarningContext): ConfigWarning[] {
  const all = config.models.flatMap(traitPaths);
  const seenSet = new Set(context.seenTraits);
  const counts = new Map<string, number>();
  for (const { name } of all) counts.set(name, (counts.get(name) ?? 0) + 1);
  return all.flatMap(({ name, path }) => {
    if (seen(name, seenSet)) return [];
    const others = [...counts].filter(([k, n]) => k !== name && n >= (counts.get(name) ?? 0)).map(([k]) => k);
    const near = didYouMean(name, [...context.seenTraits, ...others, ...COMMON_TRAITS]);
    if (seenSet.size === 0 && !near) return [];
    const since = seenSet.size === 0 ? "not seen yet: no lead of this site has reported its traits so far" : `not seen yet: no identify of this site has carried "${name}"`;
    return [{ path, code: "trait_not_seen" as const, message: `trait "${name}" ${since}${suggestion(near)}` }];
  });
}

/** The highest score a model's rules can ever add up to: Infinity when a positive rule repeats without bound. */
function maxReachable(model: Model, part: "all" | "behaviour" | "fit"): number {
  let total = 0;
  for (const rule of model.rules) {
    const points = rule.points ?? 0;
    if (points <= 0) continue;
    const fit = "trait" in rule;
    if ((part === "behaviour" && fit) || (part === "fit" && !fit)) continue;
    if (fit || rule.cap === "once") total += points;
    else if (rule.cap && rule.cap.per === undefined) total += points * rule.cap.max;
    else total = Infinity;
  }
  return Math.min(total, model.scale?.max ?? Infinity);
}

function lineWarnings(config: SiteConfig): ConfigWarning[] {
  return config.models.flatMap((model, i) => {
    const separate = model.combine === "separate";
    const sets = [
      { key: "labels", bands: model.labels, ceiling: maxReachable(model, separate ? "behaviour" : "all") },
      { key: "stages", bands: model.stages ?? [], ceiling: maxReachable(model, separate ? "behaviour" : "all") },
      { key: "grades", bands: model.grades ?? [], ceiling: maxReachable(model, "fit") },
    ];
    return sets.flatMap(({ key, bands, ceiling }) =>
      bands.flatMap((band, k) => {
        if (k === 0 || band.min === undefined || band.min <= ceiling) return [];
        const why = model.scale?.max !== undefined && ceiling === model.scale.max ? `its scale stops at ${ceiling}` : `its rules add up to ${ceiling} at most`;
        return [{ path: `$.models[${i}].${key}[${k}].min`, code: "unreachable_line" as const, message: `"${band.name}" at ${band.min} can never be reached: in model "${model.id}" ${why}` }];
      }),
    );
  });
}

function promoWarnings(config: SiteConfig): ConfigWarning[] {
  if (!config.promo) return [];
  const labels = new Set(config.models.flatMap((m) => m.labels.map((b) => b.name)));
  if (labels.has(config.promo.label)) return [];
  return [{ path: "$.promo.label", code: "unknown_promo_label", message: `no model has a label "${config.promo.label}", so no lead ever earns a promo code${suggestion(didYouMean(config.promo.label, labels))}` }];
}

function secretWarnings(config: SiteConfig, context: WarningContext): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  config.webhooks.forEach((endpoint, i) => {
    for (const key of ["secret", "previousSecret"] as const) {
      const ref = endpoint[key];
      if (!ref) continue;
      const value = context.secret(ref.env);
      const path = `$.webhooks[${i}].${key}.env`;
      if (value === undefined) out.push({ path, code: "secret_not_set", message: `the Worker secret ${ref.env} is not set: deliveries to "${endpoint.id}" will fail until it is (wrangler secret put ${ref.env})` });
      else if (!whsecSchema.safeParse(value).success) out.push({ path, code: "secret_malformed", message: `the Worker secret ${ref.env} is not a Standard Webhooks secret ("whsec_" + base64 of 24–64 bytes): deliveries will fail` });
    }
  });
  if (config.writeKey) {
    const value = context.secret(config.writeKey.env);
    if (value === undefined) out.push({ path: "$.writeKey.env", code: "secret_not_set", message: `the Worker secret ${config.writeKey.env} is not set: every Segment-compatible request will be refused (401)` });
    else if (!value.startsWith(`${context.site}.`)) out.push({ path: "$.writeKey.env", code: "write_key_site", message: `a write key is "${context.site}.<secret>": the value of ${config.writeKey.env} does not start with "${context.site}.", so it never authenticates` });
  }
  return out;
}

/**
 * Every warning about a valid site config.
 *
 * @example
 * configWarnings(config, { site: "shop", secret: (name) => readSecret(env, name), seenTraits: [] })
 * // [{ path: "$.models[0].rules[3].event", code: "segment_event_name", message: 'the Segment endpoints turn "Email Opened" into "email_open", …' }]
 */
export function configWarnings(config: SiteConfig, context: WarningContext): ConfigWarning[] {
  const globs = globWarnings(config).map(({ path, message }): ConfigWarning => ({ path, code: "glob_continues", message }));
  return [...eventWarnings(config), ...traitWarnings(config, context), ...lineWarnings(config), ...promoWarnings(config), ...secretWarnings(config, context), ...globs];
}
