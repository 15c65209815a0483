//! TypeScript declarations for the values that cross the boundary as plain objects.
//!
//! wasm-bindgen types those parameters as `any`; these interfaces, referenced through
//! `unchecked_param_type` / `unchecked_return_type`, make the public signatures precise.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Text in one language, or per locale: `"Hello"` or `{ en: "Hello", de: "Hallo" }`. */
export type LocalizedText = string | { [locale: string]: string };

/** A category of personal data the app may collect. */
export interface DataCategoryDecl {
  label: LocalizedText;
  /** Special-category or otherwise sensitive data. */
  sensitive?: boolean;
}

/** A module of personalization, declared by the app, switched on by the user. */
export interface ModuleDecl {
  id: string;
  title: LocalizedText;
  purpose: LocalizedText;
  benefit: LocalizedText;
  /** Data category ids this module uses. */
  uses: string[];
  /** Days its data is kept (required when `uses` is not empty). */
  retentionDays?: number;
  /** Baseline modules: always on, need no consent, may use no personal data. */
  essential?: boolean;
  signals?: ("features" | "embedding")[];
  /** True only for the private-report module. */
  shares?: boolean;
  /** Half-life of an event's weight, in days (default 14). */
  halfLifeDays?: number;
  /** Half-life in interactions: the last n events weigh half (default 4; 0 turns it off). */
  halfLifeInteractions?: number;
  /** Weight of its feature affinity, standardized over the catalog, in the score (default 0.5). */
  featureWeight?: number;
  /** Weight of its embedding affinity, standardized over the catalog, in the score (default 1). */
  embeddingWeight?: number;
}

/** What private reports may measure. */
export type MetricDecl =
  | { id: string; label?: LocalizedText; type: "boolean"; epsilon: number }
  | { id: string; label?: LocalizedText; type: "categorical"; domain: string[]; epsilon: number }
  | { id: string; label?: LocalizedText; type: "numeric"; min: number; max: number; epsilon: number };

/** An interaction event. */
export interface OptinEvent {
  category: string;
  kind: "view" | "click" | "dwell" | "like" | "dislike" | "purchase" | (string & {});
  item: string;
  /** Milliseconds since the epoch or an ISO 8601 UTC string. */
  at?: number | string;
  /** Required for app-defined kinds. */
  weight?: number;
  features?: { [feature: string]: number };
}

/** The app's declaration of its personalization, passed to `Personalizer.open`. */
export interface Manifest {
  policyVersion: string;
  controller: { name: string; contact: string };
  dataCategories: { [id: string]: DataCategoryDecl };
  modules: ModuleDecl[];
  metrics?: MetricDecl[];
  privacyBudget?: { epsilon: number; periodDays: number };
  samples?: { id: string; label: LocalizedText; events: OptinEvent[] }[];
  /** Days a grant stays valid before the user is asked again. */
  consentValidityDays?: number;
  /** Weight of the baseline prior (`ln(n / baseline rank)`) in a personalized score (default 1). */
  baselineWeight?: number;
  /** How far items like disliked ones are pushed down (default 1). */
  dislikeWeight?: number;
}

/** Options of `Personalizer.open`. */
export interface OpenOptions {
  storage?: "indexeddb" | "memory";
  namespace?: string;
  locale?: string;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Global Privacy Control (default `navigator.globalPrivacyControl`). */
  gpc?: boolean;
  /** Most events kept per data category, oldest out (default 5000). */
  maxEventsPerCategory?: number;
}

/** Consent state of a module. */
export type ConsentState = "granted" | "notGranted" | "invalidated";

/** A data category as shown to the user. */
export interface CategoryInfo { id: string; label: string; sensitive: boolean }

/** A module's declaration and consent state, with texts in one locale. */
export interface ModuleInfo {
  id: string;
  /** The locale the texts are in, after fallback ("" for texts given without a locale). */
  locale: string;
  title: string;
  purpose: string;
  benefit: string;
  uses: CategoryInfo[];
  retentionDays: number;
  essential: boolean;
  shares: boolean;
  signals: ("features" | "embedding")[];
  state: ConsentState;
  /** SHA-256 of the notice: what a grant applies to. */
  noticeHash: string;
  /** When the last consent decision was recorded (ISO 8601), or null. */
  decidedAt: string | null;
  /** Global Privacy Control is on and this module shares: only an explicit grant turns it on. */
  gpcApplies: boolean;
}

/** A consent record, shaped after ISO/IEC TS 27560 and the W3C Data Privacy Vocabulary. */
export interface ConsentRecord {
  recordId: string;
  module: string;
  event: "given" | "withdrawn" | "expired" | "invalidated";
  /** ISO 8601 UTC. */
  time: string;
  policyVersion: string;
  noticeHash: string;
  purpose: string;
  dataCategories: string[];
  retentionDays: number;
  /** api: an explicit grant or revoke; import: merged from another device; system: expiry or a changed notice. */
  method: "api" | "import" | "system";
  locale: string;
  /** Whether Global Privacy Control was on. */
  gpc: boolean;
  /** For imported records: the record on the other device, and when it was decided there. */
  sourceRecordId?: string;
  sourceTime?: string;
}

/** One change of consent, as passed to `onChange` listeners. */
export interface ConsentChange {
  type: "consent";
  module: string;
  previousState: ConsentState;
  state: ConsentState;
  record: ConsentRecord;
  /** Data categories that lost their last granted module; their data was erased. */
  erasedCategories: string[];
}

/** What `importConsent` did. */
export interface ImportSummary {
  applied: number;
  invalidated: number;
  blockedByGpc: number;
  skipped: number;
  unknownModules: number;
}

/** Consent metrics of one module, for the app's own privacy dashboard. */
export interface ModuleConsentMetrics {
  module: string;
  grants: number;
  withdrawals: number;
  regrants: number;
  /** Milliseconds since the epoch, or null. */
  firstViewedAt: number | null;
  firstDecidedAt: number | null;
  msToFirstDecision: number | null;
}

/** Whether storage was read cleanly. */
export interface Health { ok: boolean; problems: string[] }

/** What happened to one recorded event. */
export interface RecordOutcome {
  stored: boolean;
  /** Why it was not stored: no granted module uses its category, or it is older than retention allows. */
  reason?: "no-granted-module" | "expired";
}

/** What `recordMany` did. */
export interface RecordSummary { stored: number; dropped: number }

/** What `forget` did. */
export interface ForgetSummary { removedEvents: number; blocked: string | null }

/** A stored event as shown to the user. */
export interface StoredEventView {
  /** Pass to `forget({ event: id })`. */
  id: string;
  category: string;
  kind: string;
  item: string;
  /** ISO 8601 UTC. */
  at: string;
  weight: number;
  features: { [feature: string]: number };
}

/** What is held in one data category. */
export interface CategoryInventory {
  category: string;
  label: string;
  sensitive: boolean;
  count: number;
  /** ISO 8601, or null when empty. */
  oldest: string | null;
  /** When the oldest event will be deleted (ISO 8601), or null. */
  deleteAfter: string | null;
  retentionDays: number | null;
  /** The granted modules that use it. */
  modules: string[];
  /** Events dropped since `open` because no granted module used the category (never stored). */
  dropped: number;
}

/** Everything held, per data category. */
export interface Inventory { categories: CategoryInventory[]; totalEvents: number; blockedFeatures: string[] }

/** One learned interest. */
export interface FeatureWeight {
  feature: string;
  weight: number;
  events: number;
  /** The data category it was mostly learned from. */
  category: string;
}

/** What one granted module derived from the stored events. */
export interface ModuleProfile {
  module: string;
  /** Strongest first; negative weights are dislikes. */
  features: FeatureWeight[];
  embedding: number[] | null;
  /** The heaviest items behind the embedding. */
  recentItems: { item: string; weight: number; category: string }[];
  dislikedItems: string[];
  events: number;
}

/** The profile, per granted module that feeds a signal. */
export interface Profile { modules: ModuleProfile[] }

/** All that optin holds about the user (`exportData`). */
export interface ExportData {
  format: "optin-export/1";
  exportedAt: string;
  controller: { name: string; contact: string };
  policyVersion: string;
  consentState: { [module: string]: ConsentState };
  consentRecords: ConsentRecord[];
  events: StoredEventView[];
  profile: Profile;
  blockedFeatures: string[];
  inventory: Inventory;
}

/** An item of the catalog (public data). */
export interface CatalogItem {
  /** 1 to 256 bytes of UTF-8 without control characters (the rule for every id and name). */
  id: string;
  /** Sparse features, name -> weight, e.g. `{ "topic:sports": 1, "genre:Children's": 0.5 }`. */
  features?: { [feature: string]: number };
  /** Dense embedding, all of one length; an item without one (`null` or absent) scores by
   * its features and baseline. */
  embedding?: number[] | null;
  /** Popularity or editorial score (higher is better). */
  baseline?: number;
  /** Provider, source or creator, for exposure audits. */
  group?: string;
}

/** The catalog as typed arrays: the fast path (`setCatalogPacked`). */
export interface PackedCatalog {
  ids: string[];
  featureNames?: string[];
  /** `ids.length + 1` offsets into featureIds/featureValues (CSR). */
  featureOffsets?: Uint32Array;
  featureIds?: Uint32Array;
  featureValues?: Float32Array;
  /** `ids.length * dim` floats, item after item; a row of zeros is an item without one. */
  embeddings?: Float32Array;
  dim?: number;
  baseline?: Float32Array;
  /** Index into groupNames per item. */
  groups?: Uint32Array;
  groupNames?: string[];
}

/** Options of `rank`. */
export interface RankOptions {
  /** How many results (default 20). */
  limit?: number;
  /** Attach reasons (default true). */
  explain?: boolean;
  /** 0 (none, default) to 1: trade relevance for variety (maximal marginal relevance). */
  diversity?: number;
  /** Leave out items the user already interacted with (default false). */
  excludeSeen?: boolean;
  /** Keep each group within its share of the results (not together with `diversity`). */
  exposure?: ExposureRule;
}

/** Minimum and maximum shares of the top `limit` per catalog group. */
export interface ExposureRule {
  minShare?: { [group: string]: number };
  maxShare?: { [group: string]: number };
}

/** Options of `audit`. */
export interface AuditOptions {
  /** Sample personas to audit (default: all). */
  personas?: string[];
  /** Length of the rankings audited (default 10). */
  limit?: number;
  /** Flag groups whose exposure is below this fraction of their catalog share (default 0.8). */
  threshold?: number;
  /** Also audit the ranking mitigated by this rule. */
  exposure?: ExposureRule;
}

/** One group's position-discounted exposure. */
export interface GroupExposure { group: string; catalogShare: number; exposureShare: number; ratio: number }

/** One ranking's exposure over all personas. */
export interface RankingAudit { groups: GroupExposure[]; coverage: number; gini: number }

/** The exposure audit. */
export interface Audit {
  limit: number;
  threshold: number;
  baseline: RankingAudit;
  personalized: RankingAudit;
  mitigated: RankingAudit | null;
  personas: {
    persona: string;
    utilityBaseline: number;
    utilityPersonalized: number;
    utilityMitigated: number | null;
    groups: GroupExposure[];
  }[];
  flags: { ranking: "baseline" | "personalized" | "mitigated"; persona: string | null; group: string; ratio: number }[];
}

/** Options of `preview`. */
export interface PreviewOptions extends RankOptions {
  /** Modules to imagine granted (default: every optional module that feeds a signal). */
  modules?: string[];
  /** Items to rank (default: the whole catalog). */
  candidates?: string[];
}

/** Why an item is where it is. */
export type Reason =
  | { type: "feature"; feature: string; weight: number; module: string; category: string }
  | { type: "similar"; item: string; similarity: number; module: string; category: string }
  | { type: "baseline"; weight: number };

/** One ranked item. */
export interface Ranked {
  id: string;
  score: number;
  /** From 1. */
  rank: number;
  /** Its rank in the baseline order of the same candidates. */
  baselineRank: number;
  group?: string;
  /** Strongest first; empty unless `explain`. */
  reasons: Reason[];
}

/** What `preview` shows. */
export interface PreviewResult {
  baseline: Ranked[];
  personalized: Ranked[];
  moves: { id: string; from: number; to: number }[];
}

/** A private report: what may leave the device (the true value never does). */
export type Report = { metric: string; epsilon: number } & (
  | { mechanism: "rr"; bit: boolean }
  | { mechanism: "oue"; ones: number[] }
  | { mechanism: "olh"; seed: number; value: number }
  | { mechanism: "duchi"; value: number }
);

/** An estimate with its standard error and 95% confidence interval. */
export interface Interval { estimate: number; stderr: number; ci95: [number, number] }

/** What an Aggregator estimates. */
export interface Estimate {
  metric: string;
  reports: number;
  /** Booleans: the share of users for whom it is true. Numbers: the mean. */
  mean?: Interval;
  /** Categories: the share of users per value. */
  frequencies?: ({ value: string } & Interval)[];
}

/** The privacy budget of the current period. */
export interface BudgetInfo { spent: number; limit: number; resetsAt: string }

/** What `onChange` listeners receive. */
export type OptinChange =
  | ConsentChange
  | { type: "data" }
  | { type: "erased" }
  /** Another tab changed the shared storage; this instance reloaded it. */
  | { type: "reload" };
"#;
