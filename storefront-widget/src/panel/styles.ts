/** The panel's styles: they live in the shadow root, so nothing leaks in or out. */
export const PANEL_CSS = `
*{box-sizing:border-box}
.panel{font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;background:#fff;padding:12px;max-width:720px}
h2{font-size:1.25rem;margin:4px 0 12px}
h3{font-size:1rem;margin:0 0 4px}
button,input,select{font:inherit;min-height:44px;min-width:44px;border-radius:8px}
button{cursor:pointer;border:1px solid #5f6368;background:#fff;color:#1a1a1a;padding:0 14px}
button.primary{background:var(--accent);color:var(--on-accent);border-color:var(--accent)}
button[aria-pressed=true]{background:#1a1a1a;color:#fff}
button:disabled{cursor:not-allowed;opacity:.7}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
input,select{border:1px solid #5f6368;padding:0 10px;background:#fff;color:#1a1a1a}
.bar{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin-bottom:12px}
.bar input{flex:1 1 160px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;list-style:none;padding:0;margin:0}
.card{border:1px solid #dadce0;border-radius:10px;padding:10px;display:flex;flex-direction:column;gap:6px}
.card button{text-align:start}
.price{font-weight:600}
.muted{color:#4a4f55}
.error{color:#b3261e}
.lines{list-style:none;padding:0;margin:0 0 12px}
.lines li{display:flex;gap:8px;align-items:center;justify-content:space-between;border-bottom:1px solid #eee;padding:6px 0;flex-wrap:wrap}
.lines input{width:72px}
fieldset{border:1px solid #dadce0;border-radius:8px;margin:0 0 12px}
label.choice{display:flex;gap:8px;align-items:center;min-height:44px}
label.choice input{min-width:24px;min-height:24px}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
img{max-width:100%;border-radius:8px}
.route{width:100%;max-width:420px;height:auto;display:block;margin:8px 0}
.timeline{padding-inline-start:20px}
.field{display:flex;flex-direction:column;gap:2px;margin-bottom:8px}
.camera{width:100%;max-width:420px;border-radius:8px;background:#000;display:block;margin-bottom:8px}
.camera[hidden]{display:none}
.code{width:240px;height:240px;display:block;background:#fff}
.backdrop{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:2147483000}
.dialog{background:#fff;color:#1a1a1a;border-radius:12px;padding:16px;max-width:340px;width:90%}
`;
