import { describe, expect, it } from 'vitest';
import {
  applyAnnotationChanges,
  applyLabelChanges,
  labelValueErrors,
  parseAnnotationArgs,
  parseLabelArgs,
  qualifiedNameErrors,
  splitResourcesAndPairs,
  validateAnnotations,
  validateLabels,
} from '../../../src/apply/labels.js';
import type { KubeObject } from '../../../src/api/types.js';
import { MultiError, ValidationError } from '../../../src/util/errors.js';
import { deployment } from './builders.js';

const NAME_REGEX_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end " +
  "with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is " +
  "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const web = (labels?: Record<string, string>, annotations?: Record<string, string>): KubeObject =>
  deployment(undefined, {}, { namespace: 'default', resourceVersion: '5', ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) });

describe('splitResourcesAndPairs', () => {
  it.each<[string[], string[], string[]]>([
    [['deploy', 'web', 'app=x', 'tier-'], ['deploy', 'web'], ['app=x', 'tier-']],
    [['deploy/web', 'a=b=c'], ['deploy/web'], ['a=b=c']],
    [['pods', '-', '=x'], ['pods', '-', '=x'], []],
  ])('%j', (args, resources, pairs) => {
    expect(splitResourcesAndPairs(args, 'label')).toEqual({ resources, pairs });
  });

  it('refuses a resource after a pair', () => {
    expect(() => splitResourcesAndPairs(['deploy', 'a=b', 'web'], 'label')).toThrow(
      'all resources must be specified before label changes: web',
    );
  });
});

describe('parseLabelArgs', () => {
  it.each<[string[], Record<string, string>, string[]]>([
    [['app=web'], { app: 'web' }, []],
    [['app=web', 'tier-'], { app: 'web' }, ['tier']],
    [['empty='], { empty: '' }, []],
    [['example.com/team=ops'], { 'example.com/team': 'ops' }, []],
  ])('%j', (args, set, remove) => {
    expect(parseLabelArgs(args)).toEqual({ set, remove });
  });

  it.each<[string[], string]>([
    [['a=b=c'], 'invalid label spec: a=b=c'],
    [['app'], 'unknown label spec: app'],
    [['app=has space'], `invalid label value: "app=has space": ${VALUE_REGEX_MSG}`],
    [['app=x', 'app-'], 'can not both modify and remove a label in the same command'],
  ])('%j fails: %s', (args, message) => {
    expect(() => parseLabelArgs(args)).toThrow(message);
  });

  it('a too-long value reports both problems joined by ";"', () => {
    expect(() => parseLabelArgs([`a=${'x'.repeat(63)}-`])).toThrow(`: must be no more than 63 characters;${VALUE_REGEX_MSG}`);
  });
});

describe('parseAnnotationArgs', () => {
  it.each<[string[], Record<string, string>, string[]]>([
    [['note=a=b'], { note: 'a=b' }, []],
    [['note=', 'old-'], { note: '' }, ['old']],
    [['description=has spaces & symbols'], { description: 'has spaces & symbols' }, []],
  ])('%j', (args, set, remove) => {
    expect(parseAnnotationArgs(args)).toEqual({ set, remove });
  });

  it.each<[string[], string]>([
    [['=x', 'bad', '-'], 'invalid annotation format: =x, bad, -'],
    [['a=1', 'b=2', 'a-', 'b-'], 'can not both modify and remove the following annotation(s) in the same command: a, b'],
  ])('%j fails: %s', (args, message) => {
    expect(() => parseAnnotationArgs(args)).toThrow(message);
  });
});

describe('qualifiedNameErrors / labelValueErrors', () => {
  it.each<[string, string[]]>([
    ['app', []],
    ['app.kubernetes.io/name', []],
    ['My_Key.1', []],
    ['bad key', [`name part ${NAME_REGEX_MSG}`]],
    ['-app', [`name part ${NAME_REGEX_MSG}`]],
    ['', ['name part must be non-empty', `name part ${NAME_REGEX_MSG}`]],
    ['/app', ['prefix part must be non-empty']],
    ['a/b/c', [`a qualified name ${NAME_REGEX_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
    [
      'Example.com/app',
      [
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
          "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
          "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    ],
    ['x'.repeat(64), ['name part must be no more than 63 characters']],
  ])('qualifiedNameErrors(%j)', (key, errs) => {
    expect(qualifiedNameErrors(key)).toEqual(errs);
  });

  it.each<[string, number]>([
    ['', 0],
    ['v1.2_3-x', 0],
    ['-x', 1],
    ['x'.repeat(64), 1],
  ])('labelValueErrors(%j) has %i errors', (value, n) => {
    expect(labelValueErrors(value)).toHaveLength(n);
  });

  it('validateLabels / validateAnnotations word errors as the apiserver', () => {
    expect(validateLabels({ 'bad key': 'v' })).toEqual([
      { path: 'metadata.labels', message: `Invalid value: "bad key": name part ${NAME_REGEX_MSG}` },
    ]);
    expect(validateAnnotations({ 'Example.COM/Key': 'ok' })).toEqual([]);
    expect(validateAnnotations({ big: 'x'.repeat(256 * 1024) })).toEqual([
      { path: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' },
    ]);
  });
});

describe('applyLabelChanges (--overwrite rules)', () => {
  it.each<{
    name: string;
    labels: Record<string, string> | undefined;
    args: string[];
    overwrite: boolean;
    want: Record<string, string> | undefined;
    message: string;
    notFound?: string[];
  }>([
    { name: 'add a new label', labels: { app: 'web' }, args: ['tier=fe'], overwrite: false, want: { app: 'web', tier: 'fe' }, message: 'labeled' },
    { name: 'overwrite an existing label', labels: { app: 'web' }, args: ['app=api'], overwrite: true, want: { app: 'api' }, message: 'labeled' },
    { name: 'same value with --overwrite', labels: { app: 'web' }, args: ['app=web'], overwrite: true, want: { app: 'web' }, message: 'not labeled' },
    { name: 'remove a label', labels: { app: 'web', tier: 'fe' }, args: ['tier-'], overwrite: false, want: { app: 'web' }, message: 'unlabeled' },
    { name: 'remove with --overwrite says labeled', labels: { app: 'web', tier: 'fe' }, args: ['tier-'], overwrite: true, want: { app: 'web' }, message: 'labeled' },
    { name: 'remove the last label drops the map', labels: { app: 'web' }, args: ['app-'], overwrite: false, want: undefined, message: 'unlabeled' },
    {
      name: 'remove a missing label',
      labels: { app: 'web' },
      args: ['nope-'],
      overwrite: false,
      want: { app: 'web' },
      message: 'not labeled',
      notFound: ['nope'],
    },
    { name: 'first label on an object', labels: undefined, args: ['app=web'], overwrite: false, want: { app: 'web' }, message: 'labeled' },
  ])('$name', ({ labels, args, overwrite, want, message, notFound }) => {
    const obj = web(labels);
    const r = applyLabelChanges(obj, parseLabelArgs(args), { overwrite });
    expect(r.result.metadata.labels).toEqual(want);
    expect(r.message).toBe(message);
    expect(r.changed).toBe(message !== 'not labeled');
    expect(r.notFound).toEqual(notFound ?? []);
    expect(obj).toEqual(web(labels));
  });

  it.each<[Record<string, string>, string[], string]>([
    [{ app: 'web' }, ['app=api'], "'app' already has a value (web), and --overwrite is false"],
    [{ app: 'web' }, ['app=web'], "'app' already has a value (web), and --overwrite is false"],
  ])('without --overwrite %j + %j fails', (labels, args, message) => {
    expect(() => applyLabelChanges(web(labels), parseLabelArgs(args))).toThrow(message);
  });

  it('several existing keys fail together', () => {
    let err: unknown;
    try {
      applyLabelChanges(web({ a: '1', b: '2' }), parseLabelArgs(['a=3', 'b=4']));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MultiError);
    expect((err as Error).message).toBe(
      "'a' already has a value (1), and --overwrite is false\n'b' already has a value (2), and --overwrite is false",
    );
  });

  it('an invalid key fails as the server validation does', () => {
    expect(() => applyLabelChanges(web(), { set: { 'bad key': 'v' }, remove: [] })).toThrow(ValidationError);
    expect(() => applyLabelChanges(web(), { set: { 'bad key': 'v' }, remove: [] })).toThrow(
      `The Deployment "web" is invalid: metadata.labels: Invalid value: "bad key": name part ${NAME_REGEX_MSG}`,
    );
  });

  it('--resource-version must match', () => {
    expect(applyLabelChanges(web(), parseLabelArgs(['a=1']), { resourceVersion: '5' }).changed).toBe(true);
    expect(() => applyLabelChanges(web(), parseLabelArgs(['a=1']), { resourceVersion: '4' })).toThrow(
      'Operation cannot be fulfilled on deployments.apps "web"',
    );
  });
});

describe('applyAnnotationChanges', () => {
  it('adds, removes, overwrites with --overwrite', () => {
    const r = applyAnnotationChanges(web(undefined, { a: '1', b: '2' }), parseAnnotationArgs(['a=9', 'b-', 'c=3']), { overwrite: true });
    expect(r.result.metadata.annotations).toEqual({ a: '9', c: '3' });
    expect(r.changed).toBe(true);
  });

  it('without --overwrite lists every declared annotation that exists', () => {
    expect(() => applyAnnotationChanges(web(undefined, { a: '1', b: '2' }), parseAnnotationArgs(['a=1', 'b=3']))).toThrow(
      "--overwrite is false but found the following declared annotation(s): 'a' already has a value (1); 'b' already has a value (2)",
    );
  });

  it('kubernetes.io/change-cause can always be overwritten', () => {
    const r = applyAnnotationChanges(web(undefined, { 'kubernetes.io/change-cause': 'old' }), parseAnnotationArgs(['kubernetes.io/change-cause=new']));
    expect(r.result.metadata.annotations).toEqual({ 'kubernetes.io/change-cause': 'new' });
  });

  it('removing a missing annotation changes nothing', () => {
    const r = applyAnnotationChanges(web(undefined, { a: '1' }), parseAnnotationArgs(['zz-']));
    expect(r.changed).toBe(false);
    expect(r.notFound).toEqual(['zz']);
  });
});
