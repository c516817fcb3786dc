import { describe, expect, it } from 'vitest';
import { type Actor, type Person, parseGrant } from '../../shared/domain/authority/actors.ts';
import { authorize, decide, inScope, scopeOf } from '../../shared/domain/authority/authority.ts';
import { UnitBook } from '../../shared/domain/units/unit-directory.ts';

const desk = [{ name: 'A', email: 'a@x.vn' }];
const head = { name: 'H', title: 'Chủ tịch' };
const units = new UnitBook({
  apologyIssuer: 'lead_agency',
  units: [
    { id: 'H21.65', name: 'UBND huyện', desk, head },
    { id: 'H21.65.01', name: 'UBND xã A', parentId: 'H21.65', desk, head },
    { id: 'H21.65.02', name: 'UBND xã B', parentId: 'H21.65', desk, head },
    { id: 'VPDKDD-KP', name: 'VP đăng ký đất đai', parentId: 'VPDKDD-GL', desk, head },
  ],
});

const person = (grants: string[], email = 'p@x.vn'): Person => ({
  kind: 'person',
  issuer: 'https://idp',
  subject: 's',
  name: 'P',
  email,
  grants: grants.map((g) => parseGrant(g) as NonNullable<ReturnType<typeof parseGrant>>),
});

describe('grants as written in groups and role claims', () => {
  it('reads admin and <role>:<unit>, and nothing else', () => {
    expect(parseGrant('admin')).toEqual({ role: 'admin' });
    expect(parseGrant('head:H21.65.01')).toEqual({ role: 'head', unitId: 'H21.65.01' });
    for (const bad of ['admin:H21', 'head', 'root:H21', 'head:a:b', 'offline_access', 'head:', 'supervisor:x y'])
      expect(parseGrant(bad), bad).toBeUndefined();
  });
});

describe('the authority', () => {
  const communeA = { units: ['H21.65.01'] };
  const communeB = { units: ['H21.65.02'] };

  it('lets an official and a head of commune A read its dossiers and nothing of commune B, concealed', () => {
    for (const who of [person(['official:H21.65.01']), person(['head:H21.65.01'])]) {
      expect(decide(who, 'dossier.read', communeA, units).allowed).toBe(true);
      const denied = decide(who, 'dossier.read', communeB, units);
      expect(denied).toMatchObject({ allowed: false, reason: 'out_of_scope', conceal: true });
    }
  });

  it('lets a supervisor read a subtree, not above or beside it, and never write', () => {
    const district = person(['supervisor:H21.65']);
    expect(decide(district, 'dossier.read', communeB, units).allowed).toBe(true);
    expect(decide(district, 'report.read', communeA, units).allowed).toBe(true);
    expect(decide(district, 'dossier.read', { units: ['VPDKDD-KP'] }, units).allowed).toBe(false);
    const commune = person(['supervisor:H21.65.01']);
    expect(decide(commune, 'report.read', { units: ['H21.65'] }, units).allowed).toBe(false);
    for (const action of ['dossier.approve', 'config.write', 'users.manage', 'events.import'] as const)
      expect(decide(district, action, communeA, units).allowed, action).toBe(false);
  });

  it('reads an inter-agency dossier for every unit it passes through', () => {
    const registry = person(['official:VPDKDD-KP']);
    expect(decide(registry, 'dossier.read', { units: ['H21.65.01', 'VPDKDD-KP'] }, units).allowed).toBe(true);
  });

  it('lets only a head of the issuing unit approve, and only the person a link is bound to', () => {
    const issuing = { units: ['H21.65.01'], boundTo: 'head.a@x.vn' };
    expect(decide(person(['head:H21.65.01'], 'HEAD.A@x.vn'), 'dossier.approve', issuing, units).allowed).toBe(true);
    expect(decide(person(['head:H21.65.01'], 'other@x.vn'), 'dossier.approve', issuing, units)).toMatchObject({
      allowed: false,
      reason: 'not_bound_person',
    });
    expect(decide(person(['official:H21.65.01']), 'dossier.approve', issuing, units).allowed).toBe(false);
    // A head of the parent unit, or of the unit at fault, does not sign for the issuing unit.
    expect(decide(person(['head:H21.65'], 'head.a@x.vn'), 'dossier.approve', issuing, units).allowed).toBe(false);
    expect(decide(person(['admin'], 'head.a@x.vn'), 'dossier.approve', issuing, units).allowed).toBe(false);
  });

  it('keeps administration to administrators', () => {
    const admin = person(['admin']);
    for (const action of ['config.write', 'users.manage', 'systems.manage', 'quarantine.manage'] as const) {
      expect(decide(admin, action, {}, units).allowed).toBe(true);
      expect(decide(person(['head:H21.65', 'supervisor:H21.65']), action, {}, units).allowed).toBe(false);
    }
    // An administrator reads no dossier: personal data is the units' and their supervisors'.
    expect(decide(admin, 'dossier.read', communeA, units).allowed).toBe(false);
  });

  it('refuses nobody signed in, systems outside the feed, and the operator approving', () => {
    expect(decide(undefined, 'dossier.read', communeA, units)).toMatchObject({ reason: 'not_signed_in' });
    const system: Actor = { kind: 'system', id: 'one-stop-a' };
    expect(decide(system, 'config.write', {}, units).allowed).toBe(false);
    const operator: Actor = { kind: 'operator', name: 'root' };
    expect(decide(operator, 'config.write', {}, units).allowed).toBe(true);
    expect(decide(operator, 'dossier.approve', communeA, units).allowed).toBe(false);
    expect(() => authorize(undefined, 'config.read', {}, units)).toThrow(/sign in/);
  });

  it('lets a sending system sync its own dossiers and those it participates in', () => {
    const a: Actor = { kind: 'system', id: 'a' };
    expect(decide(a, 'dossier.sync', {}, units).allowed).toBe(true);
    expect(decide(a, 'dossier.sync', { owner: 'a' }, units).allowed).toBe(true);
    expect(decide(a, 'dossier.sync', { owner: 'b' }, units)).toMatchObject({ allowed: false, reason: 'not_owner' });
    expect(decide(a, 'dossier.sync', { owner: 'b', participants: ['a'] }, units).allowed).toBe(true);
    expect(decide(person(['admin']), 'dossier.sync', {}, units).allowed).toBe(false);
  });

  it('filters lists to the scope', () => {
    const scope = scopeOf(person(['supervisor:H21.65', 'official:VPDKDD-KP']), 'dossier.read');
    expect(inScope(scope, 'H21.65.02', units)).toBe(true);
    expect(inScope(scope, 'VPDKDD-KP', units)).toBe(true);
    expect(inScope(scope, 'CCT-KP', units)).toBe(false);
    expect(scopeOf(undefined, 'dossier.read')).toEqual({ all: false, units: [] });
  });
});
