/**
 * @module report/html-style
 * The stylesheet inlined into report.html (no external fonts, images or URLs).
 */
export const REPORT_STYLE = `
:root { --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #fff; --soft: #f5f6f9;
  --pass: #1a7f37; --fail: #c62828; --error: #a15c00; --witness: #ffd6d6; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header, main { padding: 16px 24px; }
header { border-bottom: 1px solid var(--line); background: var(--soft); }
h1 { font-size: 20px; margin: 0 0 6px; }
h2 { font-size: 17px; margin: 28px 0 8px; word-break: break-word; }
h3 { font-size: 15px; margin: 18px 0 6px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { white-space: pre-wrap; word-break: break-word; background: var(--soft); padding: 8px; border-radius: 4px; margin: 4px 0; }
.counts span { margin-right: 16px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; word-break: break-word; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
.status { white-space: nowrap; font-weight: 600; text-transform: uppercase; font-size: 11px; padding: 1px 6px; border-radius: 3px; color: #fff; }
.status-passed { background: var(--pass); } .status-failed { background: var(--fail); } .status-error { background: var(--error); }
.note { color: var(--muted); font-size: 12px; }
.run { border-top: 2px solid var(--line); margin-top: 24px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 6px 0; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; word-break: break-word; }
.violation { border-left: 4px solid var(--fail); padding: 4px 10px; margin: 6px 0; background: #fff5f5; }
.violation strong { margin-right: 8px; }
.seq-link { font: inherit; font-size: 12px; border: 1px solid var(--fail); background: #fff; color: var(--fail); border-radius: 3px; margin: 0 4px 0 0; cursor: pointer; }
.timeline { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; margin: 8px 0; }
.tl-inner { position: relative; }
.zoom { display: flex; gap: 6px; align-items: center; margin-top: 6px; }
.zoom-button { font: inherit; padding: 1px 8px; }
.axis, .lane { display: flex; }
.lane { border-top: 1px solid var(--line); min-height: 46px; }
.lane-server { background: #f7f9ff; }
.lane-label { position: sticky; left: 0; z-index: 2; flex: 0 0 160px; width: 160px; padding: 4px 8px; background: inherit;
  background-color: var(--soft); border-right: 1px solid var(--line); word-break: break-word; font-weight: 600; }
.lane-label .note { display: block; font-weight: 400; }
.track { position: relative; flex: 0 0 auto; }
.axis .track { height: 22px; }
.tick { position: absolute; top: 3px; font-size: 11px; color: var(--muted); border-left: 1px solid var(--line); padding-left: 3px; white-space: nowrap; }
.ev { position: absolute; top: 6px; width: 16px; height: 18px; margin-left: -8px; padding: 0; border: 1px solid transparent;
  border-radius: 3px; background: transparent; font-size: 12px; line-height: 16px; cursor: pointer; text-align: center; }
.ev:hover, .ev:focus, .ev.selected { border-color: var(--fg); background: #fff; outline: none; }
.ev.witness { background: var(--witness); border-color: var(--fail); box-shadow: 0 0 0 2px var(--fail); z-index: 1; }
.k-user { color: #1f5fbf; } .k-request { color: #37474f; } .k-response { color: #2e7d32; } .k-failure { color: #c62828; }
.k-fault { color: #d84315; } .k-kill { color: #000; } .k-restart { color: #6a1b9a; } .k-conflict { color: #ef6c00; }
.k-server { color: #455a64; } .k-device { color: #00838f; } .k-other { color: #777; }
.span { position: absolute; height: 4px; border-radius: 2px; opacity: .75; }
.o-ok { background: #66bb6a; } .o-http-error { background: #ffa726; } .o-failed { background: #e53935; } .o-open { background: #9e9e9e; }
.phase { position: absolute; top: 0; bottom: 0; border-left: 2px dashed #8e99ab; z-index: 0; pointer-events: none; }
.phase span { position: absolute; bottom: 2px; left: 3px; font-size: 11px; color: var(--muted); white-space: nowrap; background: rgba(255,255,255,.8); }
.legend span { margin-right: 12px; font-size: 12px; white-space: nowrap; }
.legend span.note { white-space: normal; }
.detail { min-height: 2.5em; }
tr.witness td { background: var(--witness); }
td.diff { background: #fff0c2; font-weight: 600; }
td.absent { color: var(--muted); }
`;
