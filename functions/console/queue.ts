import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { htmlResponse } from '../../shared/adapters/html-responses.ts';
import type { ConsoleDeps } from './deps.ts';
import { searchForm } from './dossier-pages.ts';
import { type ConsoleContext, consolePage } from './layout.ts';

/** `GET /console`: the person's desk — the search by code. */
export async function queueRoute(
  deps: ConsoleDeps,
  context: ConsoleContext,
  _event: APIGatewayProxyEventV2,
): Promise<APIGatewayProxyStructuredResultV2> {
  return htmlResponse(
    200,
    consolePage(
      context,
      'queue',
      'Bàn làm việc',
      `<h1>Bàn làm việc</h1>${searchForm(context.bar.base)}
<p class="note">Mở hồ sơ của đơn vị mình theo mã hồ sơ (mã trên giấy tiếp nhận và trong thư tổng hợp).</p>`,
    ),
    deps.formTargets,
  );
}
