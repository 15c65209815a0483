// <optin-consent>: the consent panel. The plain summary first; then per module its benefit,
// its state and two buttons of the same size and style ("Turn on", "No thanks": neither is
// the easy way out); the whole notice on demand. mode="banner" is the first-visit banner:
// it opens itself while something is undecided or changed, and closes once all is decided.
import { OptinElement } from "./base.js";
import { h, button, rich } from "./dom.js";
import { byModule, pending, stateText, changes, revokedText } from "./history.js";

export class OptinConsent extends OptinElement {
  static attrs = ["mode", "open"];
  #auto = false;
  #dismissed = false;
  #viewed = false;
  #returnTo = null;

  constructor() {
    super();
    // Where focus came from, to give it back when the banner closes under it.
    this.addEventListener("focusin", (e) => {
      if (e.relatedTarget && !this.contains(e.relatedTarget) && e.relatedTarget !== this) this.#returnTo = e.relatedTarget;
    });
  }

  /** `"banner"` or `"settings"` (the default). */
  get mode() {
    return this.getAttribute("mode") === "banner" ? "banner" : "settings";
  }
  set mode(value) {
    this.setAttribute("mode", value);
  }

  /** Whether the banner shows (settings mode always does). */
  get open() {
    return this.hasAttribute("open");
  }
  set open(value) {
    this.toggleAttribute("open", Boolean(value));
  }

  build(p, t, locale) {
    const modules = p.modules(locale);
    const info = byModule(p.consentRecords());
    const banner = this.mode === "banner";
    const undecided = modules.filter((m) => pending(m, info));
    if (banner) {
      if (undecided.length && !this.#dismissed && !this.open) {
        this.#auto = true;
        this.open = true;
      } else if (!undecided.length && this.#auto && this.open) {
        this.#close("decided");
      }
      if (!this.open) return null;
    }
    if (banner) {
      this.body.setAttribute("role", "region");
      this.body.setAttribute("aria-label", t("consentTitle"));
    } else {
      this.body.removeAttribute("role");
      this.body.removeAttribute("aria-label");
    }
    const shown = banner ? modules.filter((m) => !m.essential) : modules;
    if (!this.#viewed && shown.some((m) => !m.essential)) {
      // Once the panel is on screen, the time-to-decision metric starts (on the device).
      this.#viewed = true;
      const view = () => p.noticeViewed(shown.filter((m) => !m.essential).map((m) => m.id)).catch((e) => this.fail(e));
      if (typeof IntersectionObserver === "function") {
        const seen = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && (seen.disconnect(), view()));
        seen.observe(this);
      } else view();
    }
    const changed = modules.filter((m) => m.state === "invalidated" && info.get(m.id)?.given);
    const inLocale = (l) => p.modules(l);
    // Category names in this locale, and for one no module uses any more, as declared.
    const labels = new Map([...p.inventory().categories.map((c) => [c.category, c.label]), ...modules.flatMap((m) => m.uses.map((c) => [c.id, c.label]))]);
    return [
      banner ? this.heading(t("consentTitle"), { class: "title" }) : null,
      h("p", { class: "summary", part: "summary" }, rich(t, t("summary"), this.ids), modules.some((m) => m.shares) ? [" ", t("summaryShares")] : null),
      changed.length
        ? h(
            "div",
            { class: "changed", part: "changed" },
            this.heading(t("changedTitle"), {}, banner ? 1 : 0),
            h("p", {}, t("changedIntro")),
            h("ul", {}, changed.map((m) => h("li", {}, h("strong", {}, m.title), h("ul", {}, changes(t, locale, m, info.get(m.id).given, inLocale, p.policyVersion, labels).map((c) => h("li", {}, c)))))),
          )
        : null,
      h("ul", { class: "modules", part: "modules" }, shown.map((m) => this.#card(p, t, m, info, modules, banner))),
      banner ? h("div", { class: "actions" }, button(t("later"), () => this.#close("dismissed"), { "data-focus": "later", part: "later" })) : null,
    ];
  }

  #card(p, t, m, info, modules, banner) {
    const decide = (grant) =>
      this.act(async () => {
        const before = m.state;
        const record = await (grant ? p.grant(m.id) : p.revoke(m.id));
        const change = this.changes.get(m.id);
        this.announce(grant ? t("isOn", { module: m.title }) : before === "granted" ? revokedText(t, this.locale, m, change, modules) : t("staysOff", { module: m.title }));
        this.emit("optin-consent", { module: m.id, state: grant ? "granted" : "notGranted", record, erasedCategories: change?.record.recordId === record.recordId ? change.erasedCategories : [] });
      });
    const named = (label) => `${label}: ${m.title}`;
    const buttons = [];
    if (!m.essential) {
      const toggle = `toggle-${m.id}`;
      if (m.state === "granted") buttons.push(button(t("turnOff"), decide(false), { "aria-label": named(t("turnOff")), "data-focus": toggle, part: "turn-off" }));
      else {
        buttons.push(button(t("turnOn"), decide(true), { "aria-label": named(t("turnOn")), "data-focus": toggle, part: "turn-on" }));
        if (pending(m, info)) buttons.push(button(t("noThanks"), decide(false), { "aria-label": named(t("noThanks")), "data-focus": `no-${m.id}`, "data-focus-next": toggle, part: "no-thanks" }));
      }
    }
    return h(
      "li",
      { class: "module", part: "module", "data-module": m.id, "data-state": m.state },
      this.heading([m.title, m.shares ? h("span", { class: "badge", part: "badge" }, t("sharesBadge")) : null], { class: "module-title" }, banner ? 1 : 0),
      h("p", {}, m.benefit),
      h("p", { class: "state", part: "state" }, stateText(t, m, info)),
      m.gpcApplies && m.state !== "granted" ? h("p", { class: "hint", part: "gpc" }, t("gpc")) : null,
      buttons.length ? h("div", { class: "actions" }, buttons) : null,
      this.disclosure(`notice-${m.id}`, t("moreAbout"), () => this.#notice(t, m), {
        // Reading the notice also counts for the time-to-decision metric.
        onOpen: () => m.essential || p.noticeViewed([m.id]).catch((e) => this.fail(e)),
        attrs: { "aria-label": `${t("moreAbout")} ${m.title}` },
      }),
    );
  }

  #notice(t, m) {
    const r = (key, values) => rich(t, t(key, values), this.ids);
    const uses = m.uses.length ? m.uses.map((c) => h("li", {}, c.label, c.sensitive ? [" (", r("sensitive"), ")"] : null)) : [h("li", {}, t("noData"))];
    return h(
      "dl",
      { part: "notice" },
      h("dt", {}, t("whatItDoes")), h("dd", {}, m.purpose),
      h("dt", {}, t("whatYouGet")), h("dd", {}, m.benefit),
      h("dt", {}, r("dataUsed")), h("dd", {}, h("ul", {}, uses)),
      h("dt", {}, r("keptFor")), h("dd", {}, m.uses.length ? t("keptDays", { days: t("days", { n: m.retentionDays }) }) : t("keptNothing")),
      h("dt", {}, t("whoSees")), h("dd", {}, m.shares ? r("whoShares") : t("whoLocal")),
      m.essential ? null : [h("dt", {}, t("howOff")), h("dd", {}, t("howOffText"))],
    );
  }

  escape() {
    if (this.mode !== "banner" || !this.open) return false;
    this.#close("dismissed");
    return true;
  }

  #close(reason) {
    const hadFocus = this.shadowRoot.activeElement;
    this.#auto = false;
    if (reason === "dismissed") this.#dismissed = true;
    this.open = false;
    if (hadFocus && this.#returnTo?.isConnected) this.#returnTo.focus();
    queueMicrotask(() => this.emit("optin-close", { reason }));
  }
}
