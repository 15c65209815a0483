// The elements' stylesheet, adopted by each shadow root (CSSStyleSheet.replaceSync): nothing
// leaks in or out. Themes set the --optin-* custom properties on the elements (or any
// ancestor) and style ::part()s. Colours meet WCAG AA in both schemes; logical properties
// mirror for right-to-left.
const dark =
  "--_text:var(--optin-text,#ececec);--_muted:var(--optin-muted,#b9b9bd);--_bg:var(--optin-bg,#17171a);--_surface:var(--optin-surface,#222227);" +
  "--_border:var(--optin-border,#8b8b93);--_accent:var(--optin-accent,#9cc0ff);--_focus:var(--optin-focus,#9cc0ff);--_good:var(--optin-good,#7fd68f);" +
  "--_bad:var(--optin-bad,#ff9a8c);--_track:#3a3a42;color-scheme:dark";

// Bar widths in steps of 5%, as classes (a style attribute would need 'unsafe-inline').
const widths = Array.from({ length: 21 }, (_, i) => `.w${i}{width:${i * 5}%}`).join("");

export default `
:host{--_text:var(--optin-text,#1c1c1e);--_muted:var(--optin-muted,#4c4c52);--_bg:var(--optin-bg,#fff);--_surface:var(--optin-surface,#f5f5f2);--_border:var(--optin-border,#85858c);--_accent:var(--optin-accent,#1a4f8f);--_focus:var(--optin-focus,#1a5fb4);--_good:var(--optin-good,#1d6b2f);--_bad:var(--optin-bad,#a3271a);--_track:#deded8;color-scheme:light;
display:block;color:var(--_text);background:var(--_bg);font:var(--optin-font,inherit);line-height:1.5;text-align:start}
@media (prefers-color-scheme:dark){:host(:not([scheme=light])){${dark}}}
:host([scheme=dark]){${dark}}
:host([hidden]),[hidden]{display:none!important}
:host([mode=banner]){position:fixed;inset-inline:0;bottom:0;z-index:var(--optin-z,1000);max-height:85vh;overflow:auto;border-top:1px solid var(--_border);box-shadow:0 -4px 16px #0004;padding:.5rem 1rem 1rem}
:host([mode=banner]:not([open])){display:none}
*{box-sizing:border-box}
.root:focus{outline:none}
h1,h2,h3,h4,h5,h6{margin:.75rem 0 .25rem;font-size:1.05rem;line-height:1.3}
p{margin:.4rem 0}
ul,ol{margin:.25rem 0;padding-inline-start:1.4rem}
dl{margin:.25rem 0}dt{font-weight:600;margin-top:.4rem}dd{margin:0}
.muted,.hint{color:var(--_muted)}.hint{font-size:.92em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;margin:0}
.error{color:var(--_bad);font-weight:600}
button,select{font:inherit;color:inherit}
.btn{min-height:2.25rem;padding:.3rem .9rem;border:1px solid var(--_text);border-radius:var(--optin-radius,6px);background:var(--_bg);cursor:pointer}
.btn:hover{background:var(--_surface)}
.btn.danger{border-color:var(--_bad);color:var(--_bad)}
.btn.small{min-height:1.75rem;padding:.05rem .6rem;font-size:.9em}
:focus-visible{outline:3px solid var(--_focus);outline-offset:2px}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0;align-items:center}
.module .actions .btn{min-width:7.5rem}
.disclose{border:0;background:none;padding:.2rem 0;color:var(--_accent);text-decoration:underline;cursor:pointer;text-align:start}
.disclose::before{content:"▸ ";display:inline-block}
.disclose[aria-expanded=true]::before{content:"▾ "}
:dir(rtl) .disclose::before{transform:scaleX(-1)}
.panel{margin:.25rem 0 .5rem;padding-inline-start:.75rem;border-inline-start:2px solid var(--_border)}
.list{list-style:none;padding:0}
.modules{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,17rem),1fr));gap:.75rem;align-items:start}
.module,.card{border:1px solid var(--_border);border-radius:8px;padding:.6rem .9rem;background:var(--_surface)}
.module[data-state=granted]{border-inline-start:5px solid var(--_good)}
.state{font-weight:600}
.badge{font-size:.8em;font-weight:600;border:1px solid currentColor;border-radius:4px;padding:0 .3rem;margin-inline-start:.4rem}
.changed{border:2px solid var(--_accent);border-radius:8px;padding:.5rem .9rem;margin:.5rem 0}
.term{position:relative}
.term-word{border:0;padding:0;background:none;text-decoration:underline dotted;text-underline-offset:3px;cursor:help}
.tip{display:none;position:absolute;inset-inline-start:0;top:1.6em;z-index:2;width:min(18rem,80vw);padding:.45rem .7rem;border-radius:6px;background:var(--_text);color:var(--_bg);font-size:.9rem;font-weight:400;line-height:1.4}
.term:hover .tip,.term-word:focus+.tip,.term.show .tip{display:block}
.term.quiet .tip{display:none}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,15rem),1fr));gap:1rem}
.column{border:1px solid var(--_border);border-radius:8px;padding:.25rem .9rem;background:var(--_surface)}
.column li{margin:.3rem 0}
.move{font-size:.85em;font-weight:600;white-space:nowrap}.up{color:var(--_good)}.down{color:var(--_bad)}
.reason{display:block;color:var(--_muted);font-size:.9em}
.interest{display:grid;grid-template-columns:minmax(6rem,10rem) 1fr auto;gap:.2rem .75rem;align-items:center;margin:.6rem 0}
.interest>.wide{grid-column:1/-1}
.bar{display:block;height:.8rem;border-radius:3px;background:var(--_track);overflow:hidden}
.fill{display:block;height:100%;background:var(--_accent)}
${widths}
.entry{margin:.3rem 0}
select{padding:.25rem;border:1px solid var(--_border);border-radius:4px;background:var(--_bg)}
`;
