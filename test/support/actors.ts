import type { Actor, Person } from '../../shared/domain/authority/actors.ts';

/** The operator of a local data directory, as the CLI acts without `--as`. */
export const OPERATOR: Actor = { kind: 'operator', name: 'test' };

/** A signed-in head of a unit (as the verifier would make them from a token). */
export function headOf(unitId: string, name = 'Lãnh đạo đơn vị', email = 'head@example.vn'): Person {
  return {
    kind: 'person',
    issuer: 'http://127.0.0.1/test',
    subject: `head-${unitId}`,
    name,
    email,
    grants: [{ role: 'head', unitId }],
  };
}
