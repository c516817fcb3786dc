import { escapeHtml as e } from '../vietnamese/format.ts';

/** The pages' one style sheet: phone first, no external resources. */
const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;background:#f5f6f8;color:#1d2433}
main{max-width:760px;margin:0 auto;padding:16px}h1{font-size:1.3rem;margin:.5rem 0 1rem}
.card{background:#fff;border-radius:8px;padding:16px;margin-bottom:16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
label{display:block;font-weight:600;margin:12px 0 4px}textarea,input,select{width:100%;max-width:100%;box-sizing:border-box;font:inherit;padding:10px;border:1px solid #b8c0cc;border-radius:6px}select{background:#fff}
input:user-invalid,textarea:user-invalid{border:2px solid #c62828;background:#fff6f6}
textarea{min-height:110px}button{margin-top:16px;width:100%;padding:14px;font:inherit;font-weight:700;color:#fff;background:#0b6bcb;border:0;border-radius:6px}
.note{color:#4a5566;font-size:.9rem}button.secondary{background:#fff;color:#0b5cad;border:2px solid #0b6bcb}.error{border-left:4px solid #c62828}.ok{border-left:4px solid #2e7d32}
.letter{overflow-x:auto}
.late{border-left:4px solid #c62828}.warn{border-left:4px solid #ef6c00}.neutral{border-left:4px solid #6b7687}
h2{font-size:1.05rem;margin:0 0 .5rem}dl{margin:0}dt{font-weight:600;margin-top:10px}dd{margin:2px 0 0}ul{padding-left:20px}
@media print{.no-print,nav,form[action$="/auth/logout"]{display:none}body{background:#fff}.card{box-shadow:none}}
main.wide{max-width:1200px}.nav{display:flex;flex-wrap:wrap;gap:4px 16px;list-style:none;padding:0;margin:4px 0 12px}
.nav a{display:inline-block;padding:8px 2px;color:#0b5cad;font-weight:600}.nav a[aria-current=page]{color:#1d2433;border-bottom:3px solid #0b6bcb}
table.grid{border-collapse:collapse;font-size:.92rem}.grid th,.grid td{border:1px solid #c9d0da;padding:6px 8px;text-align:left;vertical-align:top}.grid th{background:#eef1f5}
.grid caption{text-align:left;font-weight:600;padding:4px 0}a{color:#0b5cad}`;

/** A complete, self-contained page (no scripts, no external resources), in Vietnamese, usable on a phone. */
export function page(title: string, body: string, options: { style?: string; wide?: boolean } = {}): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${e(title)} — Đúng Hạn</title><style>${STYLE}${options.style ?? ''}</style></head><body><main${options.wide ? ' class="wide"' : ''}>${body}</main></body></html>`;
}
