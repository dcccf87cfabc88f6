import { describe, expect, it } from 'vitest';
import type { Sourced } from '../../../src/api/types.js';
import { attachPositions, formatSource, parseManifestText, sourceAt } from '../../../src/manifest/loader.js';
import { parseFieldPath } from '../../../src/manifest/positions.js';
import type { FieldError } from '../../../src/util/errors.js';

describe('formatSource', () => {
  it.each<[string, { line: number; col: number } | undefined, string]>([
    ['web.yaml', { line: 9, col: 7 }, 'web.yaml:9:7'],
    ['dir/web.yaml', { line: 1, col: 1 }, 'dir/web.yaml:1:1'],
    ['../up/web.yaml', { line: 3, col: 12 }, '../up/web.yaml:3:12'],
    ['/abs/web.yaml', { line: 2, col: 5 }, '/abs/web.yaml:2:5'],
    ['-', { line: 4, col: 2 }, 'STDIN:4:2'],
    ['web.yaml', undefined, 'web.yaml'],
    ['-', undefined, 'STDIN'],
  ])('%s %j → %s', (file, pos, expected) => {
    expect(formatSource(file, pos)).toBe(expected);
  });
});

describe('parseFieldPath', () => {
  it.each<[string, (string | number)[]]>([
    ['spec.replicas', ['spec', 'replicas']],
    ['spec.template.spec.containers[0].image', ['spec', 'template', 'spec', 'containers', 0, 'image']],
    ['spec.containers[12].ports[3].containerPort', ['spec', 'containers', 12, 'ports', 3, 'containerPort']],
    ['metadata.labels[app.kubernetes.io/name]', ['metadata', 'labels', 'app.kubernetes.io/name']],
    ['metadata', ['metadata']],
    ['', []],
  ])('%s', (path, segments) => {
    expect(parseFieldPath(path)).toEqual(segments);
  });
});

describe('attachPositions', () => {
  const text = [
    'apiVersion: apps/v1', // 1
    'kind: Deployment', // 2
    'metadata:', // 3
    '  name: web', // 4
    '  labels: {app.kubernetes.io/name: web}', // 5
    'spec:', // 6
    '  replicas: -1', // 7
    '  template:', // 8
    '    spec:', // 9
    '      containers:', // 10
    '      - name: web', // 11
    '        image: nginx', // 12
    '        imagePullPolicy: Sometimes', // 13
  ].join('\n');
  const sourced = parseManifestText(text, 'dir/web.yaml').objects[0]!;

  it('fills source "file:line:col" from segments, or from the dotted path, and keeps the rest', () => {
    const errors: FieldError[] = [
      { path: 'spec.replicas', segments: ['spec', 'replicas'], message: 'must be >= 0' },
      { path: 'spec.template.spec.containers[0].imagePullPolicy', message: 'Unsupported value: "Sometimes"', severity: 'error' },
      { path: 'spec.selector', segments: ['spec', 'selector'], message: 'Required value' },
      { path: 'metadata.labels[app.kubernetes.io/name]', message: 'bad label', severity: 'warning' },
      { path: 'spec.replicas', message: 'already placed', source: 'elsewhere.yaml:1:1' },
    ];
    const before = structuredClone(errors);
    expect(attachPositions(errors, sourced)).toEqual([
      { path: 'spec.replicas', segments: ['spec', 'replicas'], message: 'must be >= 0', source: 'dir/web.yaml:7:13' },
      { path: 'spec.template.spec.containers[0].imagePullPolicy', message: 'Unsupported value: "Sometimes"', severity: 'error', source: 'dir/web.yaml:13:26' },
      { path: 'spec.selector', segments: ['spec', 'selector'], message: 'Required value', source: 'dir/web.yaml:7:3' },
      { path: 'metadata.labels[app.kubernetes.io/name]', message: 'bad label', severity: 'warning', source: 'dir/web.yaml:5:36' },
      { path: 'spec.replicas', message: 'already placed', source: 'elsewhere.yaml:1:1' },
    ]);
    expect(errors).toEqual(before); // inputs untouched
  });

  it('falls back to the file name when a position is unknown', () => {
    const fake: Sourced = { object: sourced.object, source: 'x.yaml#0', file: 'x.yaml', positionOf: () => undefined };
    expect(attachPositions([{ path: 'spec', message: 'm' }], fake)).toEqual([{ path: 'spec', message: 'm', source: 'x.yaml' }]);
  });

  it('sourceAt gives "file:line:col" for ad-hoc errors', () => {
    expect(sourceAt(sourced)).toBe('dir/web.yaml:1:1');
    expect(sourceAt(sourced, ['metadata', 'name'])).toBe('dir/web.yaml:4:9');
  });
});
