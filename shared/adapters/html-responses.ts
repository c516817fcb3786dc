import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * An HTML answer of the public pages (approval, citizens' status): never cached, never framed, no
 * scripts and no resources from elsewhere, forms posted only to the page itself, no referrer sent on.
 */
export function htmlResponse(
  statusCode: number,
  body: string,
  /** Origins a form may lead to besides the page's own (the issuer's sign-out, reached by redirect). */
  formTargets: readonly string[] = [],
): APIGatewayProxyStructuredResultV2 {
  const targets = formTargets.length > 0 ? ` ${formTargets.join(' ')}` : '';
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'${targets}; frame-ancestors 'none'`,
    },
    body,
  };
}

/** A path segment decoded, or undefined when its percent-encoding is malformed. */
export function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The fields of a posted form (`application/x-www-form-urlencoded`). */
export function formFields(event: APIGatewayProxyEventV2): URLSearchParams {
  const raw = event.body ?? '';
  return new URLSearchParams(event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
}

/** A file for the browser to save (a workbook, a letter): bytes as API Gateway takes them, never cached. */
export function fileResponse(
  contentType: string,
  filename: string,
  bytes: Uint8Array,
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: 200,
    headers: {
      'content-type': contentType,
      // The name is ASCII by construction: letters, digits, dot, dash and underscore only.
      'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    isBase64Encoded: true,
    body: Buffer.from(bytes).toString('base64'),
  };
}
