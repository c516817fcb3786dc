import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ErrorKind, kindOf } from '../support/errors.ts';

/** The one translation of the error vocabulary (shared/support/errors.ts) into HTTP statuses. */
const STATUS: Record<ErrorKind, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  refused: 403,
  unavailable: 503,
  unauthenticated: 401,
};

/** The HTTP status of an error of the vocabulary; undefined for anything else (a defect: 500 upstream). */
export function statusFor(error: unknown): number | undefined {
  const kind = kindOf(error);
  return kind && STATUS[kind];
}

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}
