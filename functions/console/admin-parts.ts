import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { escapeHtml as e, formatCount } from '../../shared/domain/vietnamese/format.ts';
import { when } from './layout.ts';

/*
 * What the administrators' forms share (issue #34): the hidden fields that carry a previewed change to
 * its apply, the open dossiers it moves, the problems named, and the page after an apply.
 */

/** The fields a preview's "apply" form posts again, as the administrator entered them. */
export function hiddenFields(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`)
    .join('');
}

/** The open dossiers a change would move: how many were examined, and each one's due date before and after. */
export function movesSection(preview: {
  examined: number;
  moves: readonly {
    dossierId: string;
    field: string;
    before: { dueAt?: string | null };
    after: { dueAt?: string | null };
  }[];
}): string {
  const rows = preview.moves
    .map(
      (m) =>
        `<tr><td>${e(m.dossierId)}</td><td>${e(m.field)}</td><td>${e(when(m.before.dueAt))}</td><td>${e(when(m.after.dueAt))}</td></tr>`,
    )
    .join('');
  return `<section class="card letter" tabindex="0" aria-labelledby="ho-so"><h2 id="ho-so">Hồ sơ đang giải quyết bị dời hạn: ${formatCount(preview.moves.length)}</h2>
<p class="note">Đã xét ${formatCount(preview.examined)} hồ sơ chưa kết thúc có thể bị ảnh hưởng.</p>
${rows ? `<table class="grid"><thead><tr><th scope="col">Mã hồ sơ</th><th scope="col">Lĩnh vực</th><th scope="col">Hạn hiện nay</th><th scope="col">Hạn mới</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Không hồ sơ nào bị dời hạn.</p>'}</section>`;
}

/** Every problem of a form, named by its field, as an alert (nothing was written). */
export function problemsAlert(problems: readonly string[], lead = 'Chưa thể xem trước:', card = false): string {
  if (problems.length === 0) return '';
  return `<div class="${card ? 'card ' : ''}error" role="alert"><p>${e(lead)}</p><ul>${problems.map((p) => `<li>${e(p)}</li>`).join('')}</ul></div>`;
}

/** After a change is applied: back to the page that shows it (a reload does not post it again). */
export function seeOther(location: string): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store' } };
}
