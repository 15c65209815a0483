// optin: on-device, opt-in personalization. The types of the package (hand-written; the
// `@default` values are checked against the code by tests/defaults.rs, and every `@example`
// compiles under `tsc --strict` in tests/js/types.test.mjs).

declare global {
  interface SymbolConstructor {
    /** `using` calls it at the end of the block (explicit resource management). */
    readonly dispose: unique symbol;
  }
}

/** Every code an OptinError can carry. */
export type OptinErrorCode =
  | "invalid-manifest"
  | "invalid-argument"
  | "input-too-large"
  | "input-too-deep"
  | "unknown-module"
  | "essential-module"
  | "invalid-consent-import"
  | "invalid-event"
  | "invalid-catalog"
  | "unknown-item"
  | "unknown-metric"
  | "consent-required"
  | "invalid-value"
  | "budget-exhausted"
  | "no-randomness"
  | "invalid-report"
  | "storage-full"
  | "storage-read-only"
  | "storage-failed"
  | "unsupported"
  | "internal"
  | "closed";

/**
 * The error every optin call throws or rejects with: a real `Error` with a stable `code`.
 *
 * @example
 * try {
 *   await p.grant("gps");
 * } catch (e) {
 *   if (e instanceof OptinError && e.code === "unknown-module") console.log(e.message);
 * }
 */
export declare class OptinError extends Error {
  constructor(code: OptinErrorCode, message: string, options?: { cause?: unknown });
  readonly name: "OptinError";
  readonly code: OptinErrorCode;
  /** `{ name, code, message }`: what to send across `postMessage`, which keeps only an Error's message. */
  toJSON(): { name: "OptinError"; code: OptinErrorCode; message: string };
  /**
   * The OptinError that `toJSON()` described (after `postMessage` or JSON), or the error itself;
   * anything else becomes an `internal` error.
   *
   * @example
   * worker.onmessage = ({ data }) => {
   *   if (data.error) console.log(OptinError.from(data.error).code);
   * };
   */
  static from(value: unknown): OptinError;
}

/** Text in one language, or per locale: `"Hello"` or `{ en: "Hello", de: "Hallo" }`. */
export type LocalizedText = string | { [locale: string]: string };

/** A category of personal data the app may collect. */
export interface DataCategoryDecl {
  label: LocalizedText;
  /**
   * Special-category or otherwise sensitive data.
   * @default false
   */
  sensitive?: boolean;
}

/** What a module's data feeds: the learned feature weights, the user embedding. */
export type Signal = "features" | "embedding";

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
  /**
   * Baseline modules: always on, need no consent, may use no personal data.
   * @default false
   */
  essential?: boolean;
  /** Which profile parts its data feeds. */
  signals?: Signal[];
  /**
   * True only for the private-report module.
   * @default false
   */
  shares?: boolean;
  /**
   * Half-life of an event's weight, in days.
   * @default 14
   */
  halfLifeDays?: number;
  /**
   * Half-life in interactions: the latest n events weigh half; 0 turns it off.
   * @default 4
   */
  halfLifeInteractions?: number;
  /**
   * Weight of its feature affinity, standardized over the catalog, in the score.
   * @default 0.5
   */
  featureWeight?: number;
  /**
   * Weight of its embedding affinity, standardized over the catalog, in the score.
   * @default 1
   */
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
  /** When: milliseconds since the epoch, a `Date`, or an RFC 3339 string (`Z` or an offset such as `+01:00`). Default: now. */
  at?: number | string | Date;
  /** Required for app-defined kinds. */
  weight?: number;
  /** The item's features, name -> weight (default: the catalog's; an undefined weight is no feature). */
  features?: { [feature: string]: number | undefined };
}

/** A sample persona for the sandbox preview. */
export interface SampleDecl {
  id: string;
  label: LocalizedText;
  events: OptinEvent[];
}

/** The app's declaration of its personalization, passed to `Personalizer.open`. */
export interface Manifest {
  policyVersion: string;
  controller: { name: string; contact: string };
  dataCategories: { [id: string]: DataCategoryDecl };
  modules: ModuleDecl[];
  metrics?: MetricDecl[];
  privacyBudget?: { epsilon: number; periodDays: number };
  samples?: SampleDecl[];
  /** Days a grant stays valid before the user is asked again (default: no expiry). */
  consentValidityDays?: number;
  /**
   * Weight of the baseline prior (`ln(n / baseline rank)`) in a personalized score.
   * @default 1
   */
  baselineWeight?: number;
  /**
   * How far items like disliked ones are pushed down.
   * @default 1
   */
  dislikeWeight?: number;
}

/** Options of `Personalizer.open`. An unknown key is an error that names the nearest valid one. */
export interface OpenOptions {
  /** Default: `"indexeddb"` where there is IndexedDB, else `"memory"` (Node). */
  storage?: "indexeddb" | "memory";
  /**
   * One database per namespace.
   * @default "default"
   */
  namespace?: string;
  /** Locale for notices and records (default: `navigator.language`, else `"en"`). */
  locale?: string;
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Global Privacy Control (default `navigator.globalPrivacyControl`). */
  gpc?: boolean;
  /**
   * Most events kept per data category, oldest out.
   * @default 5000
   */
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
  signals: Signal[];
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

/** What `forget` deletes or blocks: one event, several, every event about an item, or a feature for good. */
export type ForgetRequest = { event: string } | { events: string[] } | { item: string } | { feature: string };

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

/** What the benefit check measured for one module (`benefit()`). */
export interface ModuleBenefit {
  module: string;
  /** Interactions measured, within the module's retention. */
  measured: number;
  /** Of the last `window` measured, the median position (1 = first) of what the user chose in the module's order, or null before the first measurement. */
  medianRankPersonalized: number | null;
  /** The same, in the baseline's order. */
  medianRankBaseline: number | null;
  /** The strength of the module's personal terms the ranking uses now: 0 (the baseline's order), 0.25, 0.5, 1 (as the manifest weighs it) or 2. */
  strength: number;
  /** How many of the latest measurements the medians cover, at most (20). */
  window: number;
}

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
  /** What the benefit check measured (`benefit()`). */
  benefit: ModuleBenefit[];
}

/** An item of the catalog (public data). */
export interface CatalogItem {
  /** 1 to 256 bytes of UTF-8 without control characters (the rule for every id and name). */
  id: string;
  /** Sparse features, name -> weight, e.g. `{ "topic:sports": 1, "genre:Children's": 0.5 }` (an undefined weight is no feature). */
  features?: { [feature: string]: number | undefined };
  /**
   * Dense embedding (an array or a typed array), all of one length; an item without one
   * (`null` or absent) scores by its features and baseline.
   */
  embedding?: ArrayLike<number> | null;
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

/** Options of `rank`. An unknown key is an error that names the nearest valid one. */
export interface RankOptions {
  /**
   * How many results: a whole number from 0 to 1,000,000 (at most 10,000 with
   * `diversity`); more than there are candidates returns them all, in order.
   * @default 20
   */
  limit?: number;
  /**
   * Attach reasons.
   * @default true
   */
  explain?: boolean;
  /**
   * 0 (none) to 1: trade relevance for variety (maximal marginal relevance).
   * @default 0
   */
  diversity?: number;
  /**
   * Leave out items the user already interacted with (events in force): what a feed wants,
   * so that what the user just read doesn't come back at the top.
   * @default false
   */
  excludeSeen?: boolean;
  /** Keep each group within its share of the results (not together with `diversity`). */
  exposure?: ExposureRule;
  /**
   * Rank the candidates the catalog has and list the others in the result's `unknown`,
   * instead of throwing `unknown-item`.
   * @default false
   */
  ignoreUnknown?: boolean;
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
  /**
   * Length of the rankings audited.
   * @default 10
   */
  limit?: number;
  /**
   * Flag groups whose exposure is below this fraction of their catalog share.
   * @default 0.8
   */
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
export interface PreviewOptions extends Omit<RankOptions, "exposure" | "ignoreUnknown"> {
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

/** `rank`'s result with `ignoreUnknown`: the candidates the catalog lacks are in `unknown`. */
export type RankedWithUnknown = Ranked[] & { unknown: string[] };

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

/** What an Aggregator estimates (nothing but the count until the first report). */
export interface Estimate {
  metric: string;
  reports: number;
  /** Booleans: the share of users for whom it is true. Numbers: the mean. Absent without reports. */
  mean?: Interval;
  /** Categories: the share of users per value. Absent without reports. */
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

/**
 * An opened personalization runtime for one app and one user. Every call validates its
 * arguments and throws (or rejects with) an `OptinError`; the instance keeps working.
 */
export declare class Personalizer {
  private constructor();
  /**
   * Validates the manifest and opens the user's profile and consent, loading the WebAssembly
   * module on first use (code `unsupported` where it can't run, e.g. under a
   * Content-Security-Policy without `'wasm-unsafe-eval'`). Storage defaults to encrypted
   * IndexedDB where there is one, memory elsewhere (Node). Storage that can't be opened or
   * read never turns a module on: see `health()`.
   *
   * @example
   * const p = await Personalizer.open(manifest, { namespace: "news", locale: "de" });
   */
  static open(manifest: Manifest, options?: OpenOptions): Promise<Personalizer>;
  /**
   * The modules with their consent state, texts in `locale` (default: the open locale).
   *
   * @example
   * for (const m of p.modules("de")) console.log(m.title, m.state);
   */
  modules(locale?: string): ModuleInfo[];
  /** Grants a module; resolves with the consent record once it is stored. */
  grant(moduleId: string): Promise<ConsentRecord>;
  /**
   * Revokes a module (or records a "no thanks"): the data no other granted module uses is
   * erased, in storage too, before the promise resolves.
   */
  revoke(moduleId: string): Promise<ConsentRecord>;
  /** Every consent record, oldest first. */
  consentRecords(): ConsentRecord[];
  /** The consent records, to carry the user's choices to another device. */
  exportConsent(): ConsentRecord[];
  /**
   * Merges records exported on another device: per module the latest decision wins, a grant
   * for a different notice becomes `invalidated`, and under Global Privacy Control no sharing
   * module is granted. Malformed input is rejected whole.
   *
   * @example
   * const summary = await p.importConsent(other.exportConsent());
   */
  importConsent(records: ConsentRecord[]): Promise<ImportSummary>;
  /**
   * Tells optin the user was shown these modules' notices (default: every optional one),
   * for the time-to-decision metric. Stays on the device.
   *
   * @example
   * await p.noticeViewed();
   * await p.noticeViewed(["topics"]);
   */
  noticeViewed(moduleIds?: string[]): Promise<void>;
  /** Grants, withdrawals, re-grants and time to decide, per optional module. */
  consentMetrics(): ModuleConsentMetrics[];
  /**
   * Calls `listener` with every change (consent, data, erased, reload from another tab);
   * returns a function that unsubscribes it.
   *
   * @example
   * const off = p.onChange((change) => console.log(change.type));
   * off();
   */
  onChange(listener: (change: OptinChange) => void): () => void;
  /**
   * Records one event. It is stored only if a granted module uses its category; otherwise
   * it is dropped, counted, and the result says why.
   *
   * @example
   * await p.record({ category: "reading", kind: "click", item: "a-17", features: { "topic:science": 1 } });
   */
  record(event: OptinEvent): Promise<RecordOutcome>;
  /** Records many events at once (all rejected if any is invalid). */
  recordMany(events: OptinEvent[]): Promise<RecordSummary>;
  /**
   * The user corrects their profile: `{ event: id }` deletes one event, `{ events: ids }`
   * several in one write (all or, if the write fails, none), `{ item }` every event about
   * an item, `{ feature }` blocks a feature for good (it is never used again).
   *
   * @example
   * // "Forget this interest": the events behind it, without blocking the topic.
   * const ids = p.explainInterest("topic:health").map((e) => e.id);
   * const { removedEvents } = await p.forget({ events: ids });
   */
  forget(what: ForgetRequest): Promise<ForgetSummary>;
  /**
   * The user changes their mind about `forget({ feature })`: the feature is used again,
   * learned from the events still stored. Resolves `true` if it was blocked.
   *
   * @example
   * await p.unblock("topic:health");
   */
  unblock(feature: string): Promise<boolean>;
  /**
   * Sets the catalog from item objects. Convenient; for large catalogs use `setCatalogPacked`.
   *
   * @example
   * p.setCatalog([{ id: "a-1", features: { "topic:science": 1 }, baseline: 120, group: "wire" }]);
   */
  setCatalog(items: CatalogItem[]): void;
  /**
   * Sets the catalog from typed arrays: the fast path (no per-item objects).
   *
   * @example
   * p.setCatalogPacked({
   *   ids: ["a-1", "a-2"],
   *   featureNames: ["topic:science"],
   *   featureOffsets: Uint32Array.of(0, 1, 1),
   *   featureIds: Uint32Array.of(0),
   *   featureValues: Float32Array.of(1),
   *   baseline: Float32Array.of(120, 80),
   * });
   */
  setCatalogPacked(packed: PackedCatalog): void;
  /**
   * Ranks the candidates (default: the whole catalog) for this user: personalized by the
   * granted modules, the baseline order without them. Each result says why.
   *
   * @example
   * for (const r of p.rank(undefined, { limit: 10 })) console.log(r.id, r.rank, r.baselineRank, r.reasons);
   * const { unknown } = p.rank(["a-1", "gone"], { ignoreUnknown: true });
   */
  rank(candidates: string[] | null | undefined, options: RankOptions & { ignoreUnknown: true }): RankedWithUnknown;
  rank(candidates?: string[] | null, options?: RankOptions): Ranked[];
  /**
   * The sandbox: what the modules would do for a sample persona (by id) or given events,
   * on a throwaway profile. Never reads or writes the real profile, consent or storage.
   *
   * @example
   * const { baseline, personalized, moves } = p.preview("science-fan", { limit: 10 });
   */
  preview(sample: string | OptinEvent[], options?: PreviewOptions): PreviewResult;
  /**
   * The exposure audit: for every sample persona, in the sandbox, how much exposure each
   * group of items gets in the baseline, personalized and (with `exposure`) mitigated
   * rankings, with flags for groups below `threshold` of their catalog share.
   *
   * @example
   * const a = p.audit({ limit: 10, threshold: 0.8, exposure: { minShare: { local: 0.3 } } });
   */
  audit(options?: AuditOptions): Audit;
  /** The stored events behind an interest, newest first. */
  explainInterest(feature: string): StoredEventView[];
  /** Per data category: how many events, the oldest, when it will be deleted, which modules use it. */
  inventory(): Inventory;
  /**
   * What the benefit check measured on this device, per module the user turned on that
   * personalizes: as each recorded event arrives, before it updates the profile, where its
   * item stood in the module's order and in the baseline's. The ranking weighs each module by
   * the strength its evidence chose (`strength`: 1 until 3 interactions are measured).
   *
   * @example
   * for (const b of p.benefit()) {
   *   if (b.medianRankPersonalized !== null && b.medianRankBaseline !== null) {
   *     console.log(`Your last ${Math.min(b.measured, b.window)} choices were, on median, #${b.medianRankPersonalized} in your order and #${b.medianRankBaseline} in everyone's.`);
   *   }
   * }
   */
  benefit(): ModuleBenefit[];
  /** The profile derived from the stored events, per granted module. */
  profile(): Profile;
  /** Everything optin holds about the user, as JSON a person can read. */
  exportData(): Promise<ExportData>;
  /** Deletes everything: events, profile, consent, blocks, and the encryption key. */
  eraseAll(): Promise<void>;
  /**
   * A locally differentially private report of `value` for a declared metric: only while a
   * module with `shares: true` is granted, only within the privacy budget (code
   * `budget-exhausted` past it). Resolves once the budget spend is stored. The report is
   * returned to the app; optin sends nothing.
   *
   * @example
   * const report = await p.privateReport("feed-helpful", true);
   */
  privateReport(metricId: string, value: boolean | string | number): Promise<Report>;
  /** The privacy budget of the current period (`null` if the manifest declares no metrics). */
  privacyBudget(): BudgetInfo | null;
  /** Whether storage was opened and read cleanly; problems in words. */
  health(): Health;
  /** Where the data is kept. */
  readonly storage: "indexeddb" | "memory";
  /** The storage namespace. */
  readonly namespace: string;
  /** The policy version of the manifest in use. */
  readonly policyVersion: string;
  /**
   * Closes the instance: later calls throw `OptinError` with code `closed`. Closing again
   * does nothing.
   */
  close(): void;
  /**
   * `close()`, for `using`.
   *
   * @example
   * {
   *   using session = await Personalizer.open(manifest, { storage: "memory" });
   *   session.rank();
   * } // closed here
   */
  [Symbol.dispose](): void;
}

/**
 * Aggregates the private reports of one metric: in the browser, or in Node on a server.
 *
 * @example
 * const agg = new Aggregator({ id: "feed-helpful", type: "boolean", epsilon: 1 });
 * agg.add(report);
 * console.log(agg.estimate().mean?.estimate);
 */
export declare class Aggregator {
  /**
   * An aggregator for a metric, declared as in the manifest's `metrics`. Loads the
   * WebAssembly module synchronously if nothing loaded it yet (code `unsupported` where the
   * platform refuses: call `await init()` first there).
   */
  constructor(metric: MetricDecl);
  /** Adds one report (as `privateReport` returned it). */
  add(report: Report): void;
  /** Adds another aggregator's counts (same metric), e.g. from another shard. */
  merge(other: Aggregator): void;
  /** Unbiased estimates with standard errors and 95% confidence intervals. */
  estimate(): Estimate;
  /**
   * The standard error to expect from `n` reports at `epsilon` (default: the metric's),
   * to choose epsilon before shipping a metric.
   */
  expectedError(n: number, epsilon?: number): number;
}

/**
 * Loads the WebAssembly module now (e.g. while the page is idle) rather than at the first
 * `Personalizer.open`; rejects with code `unsupported` where WebAssembly can't run.
 *
 * @example
 * init().catch((e: OptinError) => console.log(`personalization unavailable: ${e.code}`));
 */
export declare function init(): Promise<void>;

/** The version of this build of optin. */
export declare function version(): string;
