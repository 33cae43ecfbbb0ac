import { escapeHtml } from './escape.ts'

const style = `
body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#111;background:#fafafa}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:20px 0 6px}.meta{color:#555;font-size:13px}
table{border-collapse:collapse;margin:8px 0;background:#fff;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f1f5f9}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.met{background:#dcfce7}td.not-met{background:#fee2e2}td.info{background:#f1f5f9}
figure{margin:12px 0;background:#fff;border:1px solid #ddd;padding:8px}figcaption{font-weight:600;margin-bottom:4px}
svg{width:100%;height:auto}.legend span{margin-right:14px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
p.note{background:#fffbeb;border:1px solid #fde68a;padding:6px 10px}
`

/** A whole page: inline CSS, no script, nothing fetched, so it opens offline from a CI artifact. */
export function htmlPage(title: string, subtitle: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><div class="meta">${escapeHtml(subtitle)}</div>
${body}
</main></body></html>
`
}
