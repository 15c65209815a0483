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
  const p: Personalizer = await Personalizer.open(manifest, { storage: "memory", locale: "de", now: () => Date.now(), gpc: false });
  const modules: ModuleInfo[] = p.modules("de");
  const state: ConsentState = modules[0].state;
  const record: ConsentRecord = await p.grant("topics");
  const event: "given" | "withdrawn" | "expired" | "invalidated" = record.event;
  const revoked: ConsentRecord = await p.revoke("topics");
  const records: ConsentRecord[] = p.consentRecords();
  const summary: ImportSummary = await p.importConsent(p.exportConsent());
  const off: () => void = p.onChange((change: ConsentChange) => {
    const erased: string[] = change.erasedCategories;
    void erased;
  });
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
  // @ts-expect-error: record fields are typed, not any
  const n: boolean = records[0].retentionDays;
  void [bad, badCode, n];
}
