import { describe, expect, it } from 'vitest';
import { humanizeEntityRef, parseEntityRef, stringifyEntityRef } from './entity-ref.js';

// Cases from Backstage's descriptor-format documentation, "String References".
describe('parseEntityRef', () => {
  it('takes kind, namespace and name when all are written', () => {
    expect(parseEntityRef('group:pets/dogs')).toEqual({ kind: 'group', namespace: 'pets', name: 'dogs' });
  });

  it('defaults the kind from context and the namespace to default', () => {
    expect(parseEntityRef('artist-relations-team', { defaultKind: 'group' })).toEqual({
      kind: 'group',
      namespace: 'default',
      name: 'artist-relations-team',
    });
  });

  it('uses the referring entity namespace when none is written', () => {
    expect(parseEntityRef('dogs', { defaultKind: 'group', defaultNamespace: 'pets' }).namespace).toBe('pets');
    expect(parseEntityRef('default/dogs', { defaultKind: 'group', defaultNamespace: 'pets' }).namespace).toBe(
      'default',
    );
  });

  it('compares case-insensitively by lower-casing', () => {
    expect(stringifyEntityRef(parseEntityRef('Component:Default/Checkout'))).toBe(
      'component:default/checkout',
    );
  });

  it('refuses a ref without kind when no default kind applies', () => {
    expect(() => parseEntityRef('checkout')).toThrow(/no kind/);
  });

  it('humanizes by dropping the default namespace and an implied kind', () => {
    expect(humanizeEntityRef(parseEntityRef('group:default/sre'), { defaultKind: 'group' })).toBe('sre');
    expect(humanizeEntityRef(parseEntityRef('user:partner/jdoe'))).toBe('user:partner/jdoe');
  });
});
