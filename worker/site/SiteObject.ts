import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { leadStub } from "../lead/ids";
import type { RescoreOutcome } from "../lead/types";
import type { SiteConfig } from "./config";
import type { LeadOutcome } from "../outcomes/outcome";
import type { CounterRow } from "./report-counters";
import { addLabelChanges, counterRows, labelChangesSince, recordOutcome, REPORT_SCHEMA, tallyLabelChange, type LabelChangeTally } from "./report-store";
import type { IndexCurve } from "./index-curve";
import { countByLabel, isUnscored, listLeadPage, migrateLeadIndex, unscoredKind, unscoredKinds, upsertIndexRow, type LeadListPage, type LeadListQuery } from "./lead-index";
import { leadIdsAfter, RESCORE_SCHEMA, rescoreProgress, startRescore, walkRescore, type RescoreProgress } from "./rescore";
import { scheduleSweep, SWEEP_SCHEMA, sweepHorizons, sweepState, type HorizonAnswer, type SweepState } from "./horizon-sweep";

/** A row of the site's lead index: enough to list and sort leads without waking their objects. */
export interface LeadIndexEntry {
  leadId: string;
  userId: string | null;
  score: number;
  label: string;
  stage: string;
  /** The model the score is from (absent in entries from before the index listed by score now). */
  model?: string;
  /** The score curve at `updatedAt` (./index-curve.ts): the listing computes the score now from it. */
  curve?: IndexCurve;
  updatedAt: number;
  /** Anonymous leads merged into this one: their index rows go. */
  replaces?: string[];
  /** Trait names the lead carries (dotted for nested ones): the site remembers them for config warnings. */
  traitNames?: string[];
  /** False while the lead rests on a browser's unverified identify; absent on anonymous leads. */
  verified?: boolean;
  /** Every code the lead holds: the site's promo lookup (`GET …/promo/{code}`) answers from them. */
  promos?: Array<{ code: string; issuedAt: number }>;
  /**
   * When the lead's open outcome horizon ends (null: settled, or no model judges it): the site's daily
   * sweep asks the lead to settle once it passed (./horizon-sweep.ts). Entries from before it was sent lack it.
   */
  horizonEnd: number | null;
}

/** Who a promo code belongs to, as a checkout asks before honouring it. */
export interface PromoOwner {
  code: string;
  leadId: string;
  userId: string | null;
  /** Absent for an anonymous lead; false while the person rests on an unverified identify. */
  verified?: boolean;
  issuedAt: number;
}

export interface StoredConfig {
  config: SiteConfig;
  version: number;
  updatedAt: number;
  /** Endpoints that answered 410 Gone: nothing more is sent to them until the config is saved again. */
  disabledEndpoints: string[];
}

/** One saved version of a site's config, as the version history lists it. */
export interface ConfigVersionInfo {
  version: number;
  savedAt: number;
  /** What changed against the version before it ("models: shop; origins"), or how it was made. */
  summary: string;
}

export interface ConfigVersion extends ConfigVersionInfo {
  config: SiteConfig;
}

/** A save that expected another version than the one in force (a stale `If-Match`). */
export interface ConfigConflict {
  conflict: true;
  currentVersion: number;
}

/** How many versions of a config the site keeps: the newest, the one in force included. */
export const CONFIG_VERSIONS_KEPT = 100;

/** Trait names remembered per site: plenty for any real site, bounded against a flood of junk keys. */
export const MAX_TRAIT_NAMES = 2_000;

export interface DeadLetter {
  messageId: string;
  endpointId: string;
  leadId: string;
  type: string;
  body: string;
  attempts: number;
  lastError: string;
  failedAt: number;
}

/** Dead letters handled in one call: redelivery requeues them through their lead objects. */
const MAX_TAKEN = 1000;

/**
 * One object per site: its scoring config (versioned), the lead index, webhook endpoint state and
 * dead letters. It is off the hot path by design: the worker caches the config per isolate, and lead
 * objects report here only when something that matters changes (label, stage, identity), through
 * their outbox, so no site object becomes a hot spot.
 */
export class SiteObject extends DurableObject<Env> {
  #sql: SqlStorage;
  /** True while this instance walks a re-score: an alarm delivered meanwhile leaves it to that walk. */
  #walking = false;
  /** The kinds of unscored rows (./lead-index.ts `unscoredKinds`): read once, on the first listing, and kept up as entries arrive. */
  #unscored: Set<string> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    // Schema creation is synchronous SQL, so it completes before any request is delivered.
    this.#sql.exec(`
      CREATE TABLE IF NOT EXISTS config (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, version INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS disabled_endpoints (endpoint_id TEXT PRIMARY KEY, reason TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS config_versions (version INTEGER PRIMARY KEY, json TEXT NOT NULL, saved_at INTEGER NOT NULL, summary TEXT NOT NULL);
      INSERT OR IGNORE INTO config_versions (version, json, saved_at, summary) SELECT version, json, updated_at, '' FROM config;
      CREATE TABLE IF NOT EXISTS promo_codes (code TEXT PRIMARY KEY, lead_id TEXT NOT NULL, user_id TEXT, verified INTEGER, issued_at INTEGER NOT NULL) WITHOUT ROWID;
      -- Every index entry looks its lead's codes up (and erasure deletes them): without this, each was a scan of every code the site issued.
      CREATE INDEX IF NOT EXISTS promo_codes_lead ON promo_codes (lead_id);
      CREATE TABLE IF NOT EXISTS trait_names (name TEXT PRIMARY KEY, first_seen INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS dead_letters (message_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, lead_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT NOT NULL, failed_at INTEGER NOT NULL, PRIMARY KEY (message_id, endpoint_id));
    `);
    // The lead index (./lead-index.ts), its rows of an older schema migrated in place.
    migrateLeadIndex(this.#sql);
    this.#sql.exec(RESCORE_SCHEMA);
    this.#sql.exec(REPORT_SCHEMA);
    this.#sql.exec(SWEEP_SCHEMA);
    // The index's first table had a rowid and an index by score: move its rows over once.
    if (this.#sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'leads'").toArray().length > 0) {
      this.#sql.exec("INSERT OR IGNORE INTO lead_index (lead_id, user_id, score, label, stage, updated_at, ub_base) SELECT lead_id, user_id, score, label, stage, updated_at, score FROM leads");
      this.#sql.exec("DROP TABLE leads");
    }
  }

  /** The newest re-score's progress (see ./rescore.ts). */
  rescoreProgress(): RescoreProgress | null {
    return rescoreProgress(this.#sql);
  }

  /** The horizon sweep's state (see ./horizon-sweep.ts). */
  horizonSweep(): SweepState {
    return sweepState(this.#sql);
  }

  /**
   * Walks the re-score a save started, a few pages per alarm (see ./rescore.ts), and sweeps the
   * outcome horizons that ended (see ./horizon-sweep.ts): one alarm, pointed at whichever is due first.
   */
  override async alarm(): Promise<void> {
    if (this.#walking) return;
    this.#walking = true;
    try {
      const rescoreLead = (site: string, leadId: string, version: number, notify: boolean) => leadStub(this.env, site, leadId).rescore(version, notify) as Promise<RescoreOutcome>;
      const walkNext = await walkRescore(this.#sql, rescoreLead, Date.now);
      // Named objects know their name (the site id) in alarms too: lead objects are named by it.
      const site = this.ctx.id.name;
      const settle = (leadId: string) => leadStub(this.env, site!, leadId).settleDue() as Promise<HorizonAnswer>;
      const sweepNext = site ? await sweepHorizons(this.#sql, settle, Date.now()) : null;
      const next = [walkNext, sweepNext].filter((t): t is number => t !== null);
      // An alarm set for now or earlier from inside the handler is dropped when it returns (see ../lead/schedule.ts).
      if (next.length > 0) await this.ctx.storage.setAlarm(Math.max(Math.min(...next), Date.now() + 1));
    } finally {
      this.#walking = false;
    }
  }

  getConfig(): StoredConfig | null {
    const row = this.#sql.exec<{ json: string; version: number; updated_at: number }>("SELECT json, version, updated_at FROM config WHERE id = 1").toArray()[0];
    if (!row) return null;
    const disabled = this.#sql.exec<{ endpoint_id: string }>("SELECT endpoint_id FROM disabled_endpoints").toArray();
    return {
      config: JSON.parse(row.json) as SiteConfig,
      version: row.version,
      updatedAt: row.updated_at,
      disabledEndpoints: disabled.map((r) => r.endpoint_id),
    };
  }

  /** Saves an already validated config; saving re-enables endpoints an earlier 410 disabled. */
  putConfig(config: SiteConfig, now: number): StoredConfig {
    return this.saveConfig(config, now) as StoredConfig;
  }

  /**
   * Saves an already validated config as a new version, unless `expectedVersion` is given and is not
   * the version in force (0 when none is saved). The check and the write run with no await between
   * them, so two concurrent saves cannot both pass the same expectation. Keeps the newest
   * CONFIG_VERSIONS_KEPT versions.
   */
  saveConfig(config: SiteConfig, now: number, options: { expectedVersion?: number; summary?: string; rescore?: { site: string; notify: boolean } } = {}): StoredConfig | ConfigConflict {
    const current = this.#sql.exec<{ version: number }>("SELECT version FROM config WHERE id = 1").toArray()[0];
    const currentVersion = current?.version ?? 0;
    if (options.expectedVersion !== undefined && options.expectedVersion !== currentVersion) return { conflict: true, currentVersion };
    const version = currentVersion + 1;
    const json = JSON.stringify(config);
    this.#sql.exec(
      "INSERT INTO config (id, json, version, updated_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json, version = excluded.version, updated_at = excluded.updated_at",
      json, version, now,
    );
    this.#sql.exec("INSERT OR REPLACE INTO config_versions (version, json, saved_at, summary) VALUES (?, ?, ?, ?)", version, json, now, options.summary ?? "");
    this.#sql.exec("DELETE FROM config_versions WHERE version <= ?", version - CONFIG_VERSIONS_KEPT);
    this.#sql.exec("DELETE FROM disabled_endpoints");
    // The walk starts in the same transaction as the version it walks for: a newer save supersedes it.
    // The one alarm serves the horizon sweep too: never later than the sweep already due.
    if (options.rescore) void this.ctx.storage.setAlarm(Math.min(startRescore(this.#sql, { ...options.rescore, version, now }), sweepState(this.#sql).dueAt ?? Infinity));
    return { config, version, updatedAt: now, disabledEndpoints: [] };
  }

  /** Saved versions, newest first, `before` a version for the next page. */
  listConfigVersions(options: { before?: number; limit: number }): ConfigVersionInfo[] {
    return this.#sql
      .exec<{ version: number; saved_at: number; summary: string }>(
        "SELECT version, saved_at, summary FROM config_versions WHERE version < ? ORDER BY version DESC LIMIT ?",
        options.before ?? Number.MAX_SAFE_INTEGER, options.limit,
      )
      .toArray()
      .map((r) => ({ version: r.version, savedAt: r.saved_at, summary: r.summary }));
  }

  /** One saved version with its document, or null when it was never saved or is no longer kept. */
  getConfigVersion(version: number): ConfigVersion | null {
    const row = this.#sql
      .exec<{ json: string; saved_at: number; summary: string }>("SELECT json, saved_at, summary FROM config_versions WHERE version = ?", version)
      .toArray()[0];
    return row ? { version, savedAt: row.saved_at, summary: row.summary, config: JSON.parse(row.json) as SiteConfig } : null;
  }

  /**
   * Remembers trait names leads have carried (identify, group), so a config naming a trait no lead
   * ever had can be warned about. Bounded by MAX_TRAIT_NAMES.
   */
  recordTraitNames(names: readonly string[], now: number = Date.now()): void {
    const known = this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM trait_names").one().n;
    let room = MAX_TRAIT_NAMES - known;
    for (const name of new Set(names)) {
      if (room <= 0) break;
      if (typeof name !== "string" || name.length === 0 || name.length > 200) continue;
      room -= this.#sql.exec("INSERT OR IGNORE INTO trait_names (name, first_seen) VALUES (?, ?)", name, now).rowsWritten > 0 ? 1 : 0;
    }
  }

  /** Trait names leads of this site have carried (see recordTraitNames). */
  traitNames(): string[] {
    return this.#sql.exec<{ name: string }>("SELECT name FROM trait_names ORDER BY name").toArray().map((r) => r.name);
  }

  disabledEndpoints(): string[] {
    return this.#sql.exec<{ endpoint_id: string }>("SELECT endpoint_id FROM disabled_endpoints").toArray().map((r) => r.endpoint_id);
  }

  disableEndpoint(endpointId: string, reason: string, now: number): void {
    this.#sql.exec("INSERT OR REPLACE INTO disabled_endpoints (endpoint_id, reason, at) VALUES (?, ?, ?)", endpointId, reason, now);
  }

  /** Several leads' entries in one request (lead objects gather them per isolate). */
  async upsertLeads(entries: LeadIndexEntry[]): Promise<void> {
    // One synchronous run: the entries and their counters commit together.
    const tally: LabelChangeTally = new Map();
    for (const entry of entries) this.#upsert(entry, tally);
    addLabelChanges(this.#sql, tally);
    await this.#scheduleSweep(entries);
  }

  /**
   * Points the alarm no later than the sweep these entries' horizons need: only ever earlier (the
   * alarm may be a re-score's). A sweep overdue while no alarm runs here lost its alarm (a handler
   * that kept failing is given up on after its retries): it is set again, so the sweep never stalls.
   */
  async #scheduleSweep(entries: LeadIndexEntry[]): Promise<void> {
    const { due, moved } = scheduleSweep(this.#sql, entries.map((e) => e.horizonEnd ?? null));
    const now = Date.now();
    if (due === null || !(moved || (due <= now && !this.#walking))) return;
    const at = Math.max(due, now);
    // No other event reaches the object while a storage call runs: nothing moves the alarm between these two.
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  #upsert(entry: LeadIndexEntry, tally: LabelChangeTally): void {
    if (entry.traitNames?.length) this.recordTraitNames(entry.traitNames, entry.updatedAt);
    for (const id of entry.replaces ?? []) {
      this.#sql.exec("DELETE FROM lead_index WHERE lead_id = ?", id);
      // A merged lead's codes are the person's now (the entry lists them too; this covers a late one).
      this.#sql.exec("UPDATE promo_codes SET lead_id = ? WHERE lead_id = ?", entry.leadId, id);
      // The person's outcome is the known lead's now, judged on the union of both histories.
      recordOutcome(this.#sql, id, null);
    }
    this.#upsertPromos(entry);
    tallyLabelChange(this.#sql, tally, entry.leadId, entry.label, entry.updatedAt);
    upsertIndexRow(this.#sql, entry);
    // Only ever added to: a kind no row has any more costs a listing that filters for it one scan, never a lead missed.
    if (this.#unscored && isUnscored(entry)) this.#unscored.add(unscoredKind(entry));
  }

  #upsertPromos(entry: LeadIndexEntry): void {
    const verified = entry.verified === undefined ? null : entry.verified ? 1 : 0;
    for (const p of entry.promos ?? []) {
      this.#sql.exec(
        `INSERT INTO promo_codes (code, lead_id, user_id, verified, issued_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET lead_id = excluded.lead_id, user_id = excluded.user_id, verified = excluded.verified
         WHERE promo_codes.lead_id IS NOT excluded.lead_id OR promo_codes.user_id IS NOT excluded.user_id OR promo_codes.verified IS NOT excluded.verified`,
        p.code, entry.leadId, entry.userId, verified, p.issuedAt,
      );
    }
    // A confirmation arrives without new codes: the lead's older ones follow it. Here and above, only
    // codes whose holder changed are written: every entry lists the lead's codes, and a lead re-indexes often.
    this.#sql.exec("UPDATE promo_codes SET user_id = ?1, verified = ?2 WHERE lead_id = ?3 AND (user_id IS NOT ?1 OR verified IS NOT ?2)", entry.userId, verified, entry.leadId);
  }

  /** The lead a promo code was issued to, or null for a code this site never issued (or erased). */
  promoOwner(code: string): PromoOwner | null {
    const row = this.#sql.exec<{ code: string; lead_id: string; user_id: string | null; verified: number | null; issued_at: number }>("SELECT * FROM promo_codes WHERE code = ?", code).toArray()[0];
    if (!row) return null;
    return { code: row.code, leadId: row.lead_id, userId: row.user_id, ...(row.verified === null ? {} : { verified: row.verified === 1 }), issuedAt: row.issued_at };
  }

  /** Lead ids of the index after `after`, in id order: a page for a fan-out over every lead. */
  leadIdsAfter(after: string, limit: number): string[] {
    return leadIdsAfter(this.#sql, after, limit);
  }

  removeLeads(leadIds: string[]): void {
    for (const id of leadIds) {
      this.#sql.exec("DELETE FROM lead_index WHERE lead_id = ?", id);
      this.#sql.exec("DELETE FROM promo_codes WHERE lead_id = ?", id);
      this.#sql.exec("DELETE FROM dead_letters WHERE lead_id = ?", id);
      recordOutcome(this.#sql, id, null);
    }
  }

  /** A lead's settled outcome for the model report (see ./report-store.ts); idempotent per lead. */
  recordOutcome(leadId: string, outcome: LeadOutcome): void {
    recordOutcome(this.#sql, leadId, outcome);
  }

  /** The model report's counters of one model, weeks [fromWeek, toWeek). */
  reportCounters(model: string, fromWeek: number, toWeek: number): CounterRow[] {
    return counterRows(this.#sql, model, fromWeek, toWeek);
  }

  /** Label changes per UTC day since `fromDay` (days since the epoch). */
  labelChanges(fromDay: number): Array<{ day: number; label: string; n: number }> {
    return labelChangesSince(this.#sql, fromDay);
  }

  /** A page of leads by the score at `query.at`, highest first (see ./lead-index.ts). */
  listLeads(query: LeadListQuery): LeadListPage {
    this.#unscored ??= unscoredKinds(this.#sql);
    return listLeadPage(this.#sql, { ...query, unscored: this.#unscored });
  }

  /** Leads per label, at most `cap` counted per label. */
  countLabels(labels: string[], cap: number): number[] {
    return countByLabel(this.#sql, labels, cap);
  }

  addDeadLetter(letter: DeadLetter): void {
    this.#sql.exec(
      "INSERT OR REPLACE INTO dead_letters (message_id, endpoint_id, lead_id, type, body, attempts, last_error, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      letter.messageId, letter.endpointId, letter.leadId, letter.type, letter.body, letter.attempts, letter.lastError, letter.failedAt,
    );
  }

  listDeadLetters(endpointId: string, limit: number): DeadLetter[] {
    return this.#sql
      .exec("SELECT * FROM dead_letters WHERE endpoint_id = ? ORDER BY failed_at LIMIT ?", endpointId, limit)
      .toArray()
      .map((r) => ({
        messageId: r.message_id as string,
        endpointId: r.endpoint_id as string,
        leadId: r.lead_id as string,
        type: r.type as string,
        body: r.body as string,
        attempts: r.attempts as number,
        lastError: r.last_error as string,
        failedAt: r.failed_at as number,
      }));
  }

  /**
   * Re-enables an endpoint a 410 disabled, answering when and why it was disabled and the dead
   * letters made for it since then: what it missed, for the operator to redeliver.
   */
  enableEndpoint(endpointId: string): { disabledAt: number | null; reason: string | null; missed: DeadLetter[] } {
    const row = this.#sql.exec<{ reason: string; at: number }>("SELECT reason, at FROM disabled_endpoints WHERE endpoint_id = ?", endpointId).toArray()[0];
    if (!row) return { disabledAt: null, reason: null, missed: [] };
    this.#sql.exec("DELETE FROM disabled_endpoints WHERE endpoint_id = ?", endpointId);
    return { disabledAt: row.at, reason: row.reason, missed: this.listDeadLetters(endpointId, MAX_TAKEN).filter((l) => l.failedAt >= row.at) };
  }

  /** Removes and returns dead letters so they can be redelivered (they come back here if they fail again). */
  takeDeadLetters(endpointId: string, messageIds: string[] | null): DeadLetter[] {
    const letters = this.listDeadLetters(endpointId, MAX_TAKEN).filter((l) => !messageIds || messageIds.includes(l.messageId));
    for (const l of letters) this.#sql.exec("DELETE FROM dead_letters WHERE message_id = ? AND endpoint_id = ?", l.messageId, l.endpointId);
    return letters;
  }
}
