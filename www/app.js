// The demo page: loads optin as installed from npm, shows the modules and their consent.
// Built with DOM APIs only (no innerHTML), under a CSP that allows only this origin.
import { Personalizer, version, OptinError } from "./node_modules/optin/index.js";
import manifest from "./manifest.json" with { type: "json" };

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
  p.onChange(render);
  render();
} catch (e) {
  status.textContent = e instanceof OptinError ? `optin refused to start: ${e.code}: ${e.message}` : `optin failed to load: ${e}`;
}
