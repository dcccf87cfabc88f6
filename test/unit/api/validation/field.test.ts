import { describe, expect, it } from 'vitest';
import { FieldPath, goValue } from '../../../../src/api/validation/field.js';

describe('FieldPath and value formatting', () => {
  it('prints paths as upstream field.Path does', () => {
    const p = FieldPath.root('spec', 'containers').index(0).child('resources', 'limits').key('cpu');
    expect(p.toString()).toBe('spec.containers[0].resources.limits[cpu]');
    expect(p.segments).toEqual(['spec', 'containers', 0, 'resources', 'limits', 'cpu']);
  });

  it.each([
    ['web', '"web"'],
    [80, '80'],
    [true, 'true'],
    [null, 'null'],
    [{ b: '2', a: '1' }, 'map[string]string{"a":"1", "b":"2"}'],
    [{}, 'map[string]string{}'],
    [['x', 'y'], '[]string{"x", "y"}'],
    [{ a: 1 }, '{"a":1}'],
  ] as const)('goValue(%j) = %s', (v, want) => {
    expect(goValue(v)).toBe(want);
  });
});

