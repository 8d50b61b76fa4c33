/** The timeline page's style sheet (inline: the page loads nothing from elsewhere). */
export const PAGE_STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
nav.console{display:flex;gap:16px;align-items:center;padding:8px 24px;background:#111722;color:#cfd5e1}
nav.console a{color:#fff}
nav.console form{margin-left:auto}
header.page{padding:16px 24px;background:#1d2330;color:#fff}
header.page h1{margin:0 0 4px;font-size:20px}
header.page p{margin:2px 0;color:#cfd5e1}
header.page .asof{color:#ffd479;font-weight:600}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
section{padding:12px 24px}
h2{font-size:16px;margin:8px 0}
a{color:#1a4fd6}
.summary ul{margin:0;padding-left:18px}
form.controls{margin:12px 24px;padding:8px 12px;background:#fff;border:1px solid #d5d9e2;border-radius:6px}
form.controls fieldset{display:inline-block;vertical-align:top;border:1px solid #d5d9e2;border-radius:6px;margin:4px;padding:4px 8px}
form.controls .check{display:inline-block;margin-right:8px}
form.controls .as-of{display:block}
#as-of-slider{width:min(640px,90%);vertical-align:middle}
#as-of-output{display:inline-block;min-width:220px;font-weight:700}
.exports,.actions{margin:6px 4px}
figure.overview{margin:12px 24px;padding:8px;background:#fff;border:1px solid #d5d9e2;border-radius:6px}
figure.overview figcaption{font-size:12px;color:#5b6475}
.axis-svg .tick{stroke:#d5d9e2}
.axis-svg .tick-label{font-size:11px;fill:#5b6475;text-anchor:middle}
.axis-svg .lane-line{stroke:#8a94a6;stroke-width:1}
.axis-svg .lane-label{font-size:12px;fill:#1d2330;font-family:ui-monospace,Menlo,Consolas,monospace}
.axis-svg .uid-link{stroke:#c62828;stroke-width:2;stroke-dasharray:6 4}
.timeline{overflow-x:auto;padding:12px 24px}
.grid{display:grid;grid-template-columns:190px repeat(var(--lanes),minmax(300px,1fr));column-gap:12px;row-gap:6px;align-items:start;position:relative}
.axis-head,.lane-head{position:sticky;top:0;z-index:2;background:#fff;border:1px solid #d5d9e2;border-radius:6px;padding:8px}
.lane-head h2{margin:0;font-size:14px;word-break:break-all}
.lane-head .who{margin:2px 0;font-weight:600}
.lane-head.duplicate{border:2px solid #c62828;background:#fff5f5}
.lane-head.confirmed{border:2px solid #2e7d32;background:#f3fbf3}
.lane-bg{background:#eceff4;border-radius:6px;min-height:100%}
.axis{grid-column:1;border-right:3px solid #8a94a6;padding:4px 8px 4px 0;text-align:right;position:relative;align-self:stretch}
.axis::after{content:"";position:absolute;right:-7px;top:10px;width:11px;height:11px;border-radius:50%;background:#8a94a6}
.axis .happened{display:block;font-weight:700}
.axis .date,.axis .recorded{display:block;color:#5b6475;font-size:11px}
.gap{grid-column:1/-1;text-align:center;color:#5b6475;font-style:italic;border-top:1px dashed #b7bfcc;padding-top:2px}
.mark{position:relative;z-index:1;background:#fff;border:1px solid #c9cfda;border-left:5px solid #5c7cfa;border-radius:6px;padding:6px 8px;margin:0 4px}
.mark:target{outline:3px solid #ffd479}
.mark .type{font-weight:700}
.mark .meaning{margin:4px 0}
.mark .warnings{margin:4px 0;padding-left:16px;color:#b71c1c;font-weight:600}
.mark .owner-link{margin:4px 0;font-weight:700}
.mark .owner-link a{color:#c62828}
.mark blockquote.told{margin:4px 0;padding:4px 8px;border-left:3px solid #1a4fd6;background:#eef3ff;font-style:italic}
.mark dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 8px;margin:4px 0 0;font-size:12px}
.mark dt{color:#5b6475}
.mark dd{margin:0;word-break:break-all}
.mark.flagged{border-left-color:#ef6c00}
.mark.duplicate{border:2px solid #c62828;border-left:6px solid #c62828;background:#fff5f5}
.mark.confirmed{border:2px solid #2e7d32;border-left:6px solid #2e7d32;background:#f3fbf3}
.badge{display:inline-block;font-size:11px;font-weight:700;padding:1px 6px;border-radius:10px;margin-left:4px;background:#e3e7ee;color:#1d2330}
.badge.duplicate,.badge.stale_created_at,.badge.foreign_call_id,.badge.foreign_booking_ref,.badge.other_attendee{background:#c62828;color:#fff}
.badge.confirmed{background:#2e7d32;color:#fff}
.badge.pending{background:#ffd479}
.badge.parked{background:#6a1b9a;color:#fff}
.legend dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;background:#fff;border:1px solid #d5d9e2;border-radius:6px;padding:8px}
.legend dd{margin:0}
.swatch{display:inline-block;width:36px;height:14px;border-radius:3px;vertical-align:middle}
.mark-swatch{border:1px solid #c9cfda;border-left:5px solid #5c7cfa;background:#fff}
.told-swatch{border-left:3px solid #1a4fd6;background:#eef3ff}
.link-swatch{border-top:2px dashed #c62828;height:2px}
table{border-collapse:collapse;background:#fff;width:100%}
th,td{border:1px solid #d5d9e2;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eceff4}
tr.duplicate td{background:#fff5f5}
tr.confirmed td{background:#f3fbf3}
tr:target td{outline:2px solid #ffd479}
.empty{padding:24px;font-size:16px}
`;
