// The widget's CSS, scoped by the shadow root. `:host{all:initial!important}` stops the
// page's styles (even !important ones) reaching in through the host; fixed positioning only,
// so the page never shifts; logical properties, so `dir=rtl` mirrors it. Theme through
// custom properties on the host. Below 480px wide the banner is compact: the short text, the
// purposes on one line and three equal buttons in one row. Theme: --assent-accent, --assent-on-accent, --assent-fg,
// --assent-bg, --assent-muted, --assent-note, --assent-line, --assent-radius, --assent-font.
const DARK =
  '--a:var(--assent-accent,#9db8ff);--o:var(--assent-on-accent,#0d1020);--fg:var(--assent-fg,#ececf1);--bg:var(--assent-bg,#1d1e22);--m:var(--assent-muted,#b9b9c4);--n:var(--assent-note,#2a2d36);--l:var(--assent-line,#3a3b42)';

export const CSS = `
:host{all:initial!important;display:block!important}
*{box-sizing:border-box}
.w{--a:var(--assent-accent,#1f4fd1);--o:var(--assent-on-accent,#fff);--fg:var(--assent-fg,#1a1a1a);--bg:var(--assent-bg,#fff);--m:var(--assent-muted,#53535e);--n:var(--assent-note,#f1f4fb);--l:var(--assent-line,#e4e4ea);--r:var(--assent-radius,10px);font:14px/1.5 var(--assent-font,system-ui,sans-serif);color:var(--fg)}
.w[data-theme=dark]{${DARK}}
@media(prefers-color-scheme:dark){.w[data-theme=system]{${DARK}}}
.banner{position:fixed;z-index:2147483000;left:16px;right:16px;bottom:16px;max-width:760px;margin:0 auto;background:var(--bg);border-radius:var(--r);box-shadow:0 6px 30px rgba(0,0,0,.22);padding:16px 18px;max-height:80vh;overflow:auto}
h2{font-size:16px;margin:0 0 6px}
h3{font-size:14px;margin:0}
p{margin:0 0 8px}
ul{margin:0 0 8px;padding-inline-start:18px}
.d{display:block;color:var(--m)}
.row{display:flex;flex-wrap:wrap;gap:8px;margin-top:10px}
.btn{flex:1 1 140px;min-height:40px;padding:8px 14px;border-radius:8px;border:2px solid var(--a);background:var(--a);color:var(--o);font:inherit;font-weight:600;cursor:pointer}
.btn.alt{background:var(--bg);color:var(--a)}
:focus-visible{outline:3px solid #f5a623;outline-offset:2px}
.note{font-size:13px;color:var(--m);background:var(--n);border-radius:6px;padding:6px 8px}
.shade{position:fixed;z-index:2147483001;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;padding:16px}
.dlg{background:var(--bg);border-radius:var(--r);max-width:640px;width:100%;max-height:90vh;overflow:auto;padding:18px 20px;position:relative}
.x{position:absolute;top:10px;inset-inline-end:10px;border:0;background:none;font-size:20px;line-height:1;cursor:pointer;color:var(--m);padding:4px 8px}
.p{border-top:1px solid var(--l);padding:10px 0}
.ph{display:flex;justify-content:space-between;align-items:center;gap:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;margin:6px 0 0;font-size:13px;color:var(--m)}
dd{margin:0}
.sw{flex:none;width:44px;height:24px;border-radius:12px;border:0;background:#767680;position:relative;cursor:pointer}
.sw::after{content:"";position:absolute;top:3px;inset-inline-start:3px;width:18px;height:18px;border-radius:50%;background:#fff}
.sw[aria-checked=true]{background:var(--a)}
.sw[aria-checked=true]::after{inset-inline-start:23px}
.sw:disabled{opacity:.55;cursor:default}
.link{border:1px solid var(--a);background:none;color:var(--a);border-radius:6px;padding:4px 10px;font:inherit;cursor:pointer}
.warn{color:#a4001d}
.sp{height:0}
.short{display:none}
@media(max-width:480px){.banner{left:8px;right:8px;bottom:8px;padding:12px 14px}.banner .long,.banner .d{display:none}.banner .short{display:block}.banner ul{padding:0;margin:0 0 6px}.banner li{display:inline}.banner li+li::before{content:", "}.w[lang^=zh] .banner li+li::before{content:"、"}.row .btn{flex:1 1 0;min-width:0;padding:8px 6px}h2{font-size:15px;margin-bottom:4px}}
.reopen{position:fixed;z-index:2147482999;inset-inline-start:16px;bottom:16px;border:1px solid var(--m);background:var(--bg);color:var(--fg);border-radius:20px;padding:6px 12px;font:inherit;font-size:13px;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.15)}
`;
