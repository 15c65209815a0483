// Compiled with `tsc --strict` against pkg/: every public signature must be precise.
// Each @ts-expect-error line fails the build if the type it guards became too loose.
import {
  Personalizer,
  OptinError,
  version,
  type Manifest,
  type ModuleInfo,
  type ConsentRecord,
  type ConsentChange,
  type ConsentState,
  type ImportSummary,
  type Health,
  type OptinErrorCode,
  type ModuleConsentMetrics,
  type OptinChange,
  type RecordOutcome,
  type RecordSummary,
  type StoredEventView,
  type ForgetSummary,
  type Inventory,
  type Profile,
  type ExportData,
  type Ranked,
  type OptinEvent,
  type PreviewResult,
  type Report,
  type Audit,
  type Estimate,
  type BudgetInfo,
  type RankedWithUnknown,
  Aggregator,
  init,
} from "optin";

const manifest: Manifest = {
  policyVersion: "1",
  controller: { name: "Example", contact: "privacy@example.com" },
  dataCategories: { reading: { label: { en: "Reading", de: "Lesen" } } },
  modules: [
    { id: "base", essential: true, title: "Base", purpose: "Order", benefit: "Same for all", uses: [] },
    { id: "topics", title: { en: "Topics" }, purpose: "Topics", benefit: "More", uses: ["reading"], retentionDays: 30, signals: ["features"] },
  ],
  metrics: [{ id: "m", type: "categorical", domain: ["a", "b"], epsilon: 1 }],
};

export async function main(): Promise<void> {
  const v: string = version();
  const loaded: Promise<void> = init();
  await loaded;
  // Options are optional everywhere the README leaves them out, and open is one promise.
  const opening: Promise<Personalizer> = Personalizer.open(manifest);
  const plain: Personalizer = await opening;
  const defaults: Ranked[] = plain.rank();
  const firstTen: Ranked[] = plain.rank(undefined, { limit: 10 });
  const sample: PreviewResult = plain.preview("science-fan");
  await plain.noticeViewed();
  const audited: Audit = plain.audit();
  const lenient: RankedWithUnknown = plain.rank(["a1", "gone"], { ignoreUnknown: true });
  const missing: string[] = lenient.unknown;
  const at: OptinEvent["at"] = new Date();
  plain.close();
  plain.close();
  {
    using scoped = await Personalizer.open(manifest, { storage: "memory" });
    scoped.rank();
  }
  const revived: OptinError = OptinError.from(new OptinError("closed", "x").toJSON());
  void [defaults, firstTen, sample, audited, missing, at, revived];
  const p: Personalizer = await Personalizer.open(manifest, { storage: "memory", locale: "de", now: () => Date.now(), gpc: false });
  const modules: ModuleInfo[] = p.modules("de");
  const state: ConsentState = modules[0].state;
  const record: ConsentRecord = await p.grant("topics");
  const event: "given" | "withdrawn" | "expired" | "invalidated" = record.event;
  const revoked: ConsentRecord = await p.revoke("topics");
  const records: ConsentRecord[] = p.consentRecords();
  const summary: ImportSummary = await p.importConsent(p.exportConsent());
  const off: () => void = p.onChange((change: OptinChange) => {
    if (change.type === "consent") {
      const c: ConsentChange = change;
      const erased: string[] = c.erasedCategories;
      void erased;
    }
  });
  const outcome: RecordOutcome = await p.record({ category: "reading", kind: "click", item: "a1", features: { "topic:x": 1 } });
  const reason: "no-granted-module" | "expired" | undefined = outcome.reason;
  const many: RecordSummary = await p.recordMany([{ category: "reading", kind: "share", item: "a2", weight: 3, at: "2026-01-01T00:00:00Z" }]);
  const why: StoredEventView[] = p.explainInterest("topic:x");
  const forgotten: ForgetSummary = await p.forget({ event: why[0].id });
  const removed: number = (await p.forget({ events: why.map((e) => e.id) })).removedEvents;
  await p.forget({ feature: "topic:x" });
  const usedAgain: boolean = await p.unblock("topic:x");
  const inventory: Inventory = p.inventory();
  const profile: Profile = p.profile();
  const exported: ExportData = await p.exportData();
  const storage: "indexeddb" | "memory" = p.storage;
  p.setCatalog([{ id: "a1", features: { "topic:x": 1 }, embedding: [1, 0], baseline: 3, group: "wire" }]);
  p.setCatalogPacked({
    ids: ["a1", "a2"],
    featureNames: ["topic:x"],
    featureOffsets: new Uint32Array([0, 1, 1]),
    featureIds: new Uint32Array([0]),
    featureValues: new Float32Array([1]),
    embeddings: new Float32Array(4),
    dim: 2,
    baseline: new Float32Array([1, 2]),
  });
  const ranked: Ranked[] = p.rank(null, { limit: 10, explain: true, diversity: 0.3, excludeSeen: true });
  const all: Ranked[] = p.rank(["a1", "a2"], {});
  for (const reason of ranked[0].reasons) {
    const why: string =
      reason.type === "feature" ? reason.feature : reason.type === "similar" ? reason.item : String(reason.weight);
    void why;
  }
  const preview: PreviewResult = p.preview("science-fan", { limit: 5, modules: ["topics"] });
  const moved: number = preview.moves[0].to - preview.moves[0].from;
  const fromEvents: PreviewResult = p.preview([{ category: "reading", kind: "like", item: "a1" }], {});
  const fair: Ranked[] = p.rank(null, { limit: 5, exposure: { minShare: { wire: 0.2 }, maxShare: { local: 0.8 } } });
  const audit: Audit = p.audit({ personas: ["science-fan"], limit: 10, threshold: 0.8, exposure: { minShare: { wire: 0.3 } } });
  const flagged: string[] = audit.flags.map((f) => f.group);
  const cost: number | null = audit.personas[0].utilityMitigated;
  void [fair, flagged, cost];
  const report: Report = await p.privateReport("m", "a");
  if (report.mechanism === "oue") {
    const ones: number[] = report.ones;
    void ones;
  }
  const budget: BudgetInfo | null = p.privacyBudget();
  const agg = new Aggregator({ id: "m", type: "categorical", domain: ["a", "b"], epsilon: 1 });
  agg.add(report);
  agg.merge(new Aggregator({ id: "m", type: "categorical", domain: ["a", "b"], epsilon: 1 }));
  const estimate: Estimate = agg.estimate();
  const share: number | undefined = estimate.frequencies?.[0].estimate;
  const expected: number = agg.expectedError(10_000, 2);
  void [budget, share, expected];
  await p.eraseAll();
  void [reason, many, forgotten, removed, usedAgain, inventory, profile, exported, storage, all, moved, fromEvents];
  off();
  await p.noticeViewed(["topics"]);
  const metrics: ModuleConsentMetrics[] = p.consentMetrics();
  const health: Health = p.health();
  const ns: string = p.namespace;
  const pv: string = p.policyVersion;
  p.close();
  try {
    await p.grant("x");
  } catch (e) {
    if (e instanceof OptinError) {
      const code: OptinErrorCode = e.code;
      void code;
    }
  }
  void [v, state, event, revoked, records, summary, metrics, health, ns, pv];

  // @ts-expect-error: module ids are strings
  await p.grant(42);
  // @ts-expect-error: a manifest needs policyVersion, controller, dataCategories, modules
  await Personalizer.open({ modules: [] });
  // @ts-expect-error: storage is "indexeddb" or "memory"
  await Personalizer.open(manifest, { storage: "cloud" });
  // @ts-expect-error: states are a closed set
  const bad: ConsentState = "maybe";
  // @ts-expect-error: error codes are a closed set
  const badCode: OptinErrorCode = "oops";
  // @ts-expect-error: forget takes one of event, events, item, feature
  await p.forget({ everything: true });
  // @ts-expect-error: events is a list of event ids
  await p.forget({ events: "all" });
  // @ts-expect-error: unblock takes a feature name
  await p.unblock({ feature: "topic:x" });
  // @ts-expect-error: events need an item
  await p.record({ category: "reading", kind: "view" });
  // @ts-expect-error: a packed catalog takes typed arrays
  p.setCatalogPacked({ ids: ["a"], embeddings: [1, 2], dim: 2 });
  // @ts-expect-error: exposure shares are per group
  p.rank(null, { exposure: { minShare: 0.3 } });
  // @ts-expect-error: reports have a mechanism
  agg.add({ metric: "m", epsilon: 1 });
  // @ts-expect-error: candidates are ids
  p.rank([1, 2], {});
  // @ts-expect-error: ignoreUnknown's result lists unknown ids only when asked for
  void p.rank(["a1"], {}).unknown;
  // @ts-expect-error: options are checked: a misspelt key is an error
  p.rank(null, { lmit: 3 });
  // @ts-expect-error: Personalizer has no public constructor
  new Personalizer();
  // @ts-expect-error: record fields are typed, not any
  const n: boolean = records[0].retentionDays;
  void [bad, badCode, n];
}
