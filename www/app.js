// The demo page: loads optin as installed from npm, shows the modules and their consent.
// Built with DOM APIs only (no innerHTML), under a CSP that allows only this origin.
import { Personalizer, version, OptinError } from "./node_modules/optin/index.js";
import manifest from "./manifest.json" with { type: "json" };
import { newsCatalog } from "./catalog.js";

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

const status = document.getElementById("status");
try {
  const p = await Personalizer.open(manifest, { storage: "memory" });
  status.textContent = `optin ${version()} is running in this page.`;
  status.dataset.version = version();

  const render = () => {
    const list = document.getElementById("modules");
    list.replaceChildren(
      ...p.modules().map((m) => {
        const on = m.state === "granted";
        const item = el(
          "li",
          { id: `module-${m.id}` },
          el("h3", {}, m.title),
          el("p", {}, m.purpose),
          el("p", { className: "meta" },
            m.essential ? "Always on: uses no personal data." :
            `Uses: ${m.uses.map((u) => u.label).join(", ")}. Kept ${m.retentionDays} days, on this device only.`),
          el("p", {}, "State: ", el("span", { className: "state" }, m.state)),
        );
        if (!m.essential) {
          const button = el("button", { type: "button", textContent: on ? `Turn off ${m.title}` : `Turn on ${m.title}` });
          button.addEventListener("click", async () => {
            await (on ? p.revoke(m.id) : p.grant(m.id));
          });
          item.append(button);
        }
        return item;
      }),
    );
    document.getElementById("records").replaceChildren(
      ...p.consentRecords().map((r) => el("li", {}, `${r.time}: ${r.module} ${r.event} (${r.method})`)),
    );
  };
  p.setCatalog(newsCatalog());
  const pct = (x) => `${Math.round(x * 100)}%`;
  const audit = p.audit({ limit: 10, threshold: 0.5 });
  document.querySelector("#audit tbody").replaceChildren(
    ...audit.baseline.groups.map((g) => {
      const mine = audit.personalized.groups.find((x) => x.group === g.group);
      return el("tr", { id: `audit-${g.group}` },
        el("th", { scope: "row" }, g.group), el("td", {}, pct(g.catalogShare)),
        el("td", {}, pct(g.exposureShare)), el("td", {}, pct(mine ? mine.exposureShare : 0)));
    }),
  );
  document.getElementById("audit-flags").textContent = audit.flags.length
    ? `Under-exposed: ${audit.flags.map((f) => `${f.group} (${f.ranking}${f.persona ? `, ${f.persona}` : ""})`).join("; ")}`
    : "No source gets less than half its share.";
  p.onChange(render);
  render();
} catch (e) {
  status.textContent = e instanceof OptinError ? `optin refused to start: ${e.code}: ${e.message}` : `optin failed to load: ${e}`;
}
