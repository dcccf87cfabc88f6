import { describe, expect, it } from 'vitest';
import {
  formatLabelSelector,
  formatLabels,
  labelSelectorMatches,
  matches,
  parseSelector,
  selectorFromLabelSelector,
  selectorFromSet,
  selectorString,
  SelectorParseError,
} from '../../../src/api/labels.js';
import { KctlError } from '../../../src/util/errors.js';

const NAME_RE_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const long = 'toolong0123456789012345678901234567890123456789012345678901234567890';

// Messages recorded from kubectl v1.32 (`kubectl create pdb --selector=... --dry-run=client`), which runs labels.Parse.
describe('parseSelector errors (kubectl v1.32 wording)', () => {
  it.each<[string, string]>([
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a!b', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ['-bad', `unable to parse requirement: <nil>: Invalid value: "-bad": name part ${NAME_RE_MSG}`],
    ['_a', `unable to parse requirement: <nil>: Invalid value: "_a": name part ${NAME_RE_MSG}`],
    ['a/', `unable to parse requirement: <nil>: Invalid value: "a/": name part must be non-empty; name part ${NAME_RE_MSG}`],
    ['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
    [
      'A/b',
      `unable to parse requirement: <nil>: Invalid value: "A/b": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
    [
      'a/b/c',
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${NAME_RE_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [`${long}=x`, `unable to parse requirement: <nil>: Invalid value: "${long}": name part must be no more than 63 characters`],
    [`a=${long}`, `unable to parse requirement: values[0][a]: Invalid value: "${long}": must be no more than 63 characters`],
    ['app=-x', `unable to parse requirement: values[0][app]: Invalid value: "-x": ${VALUE_RE_MSG}`],
    ['a<x', `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`],
    [
      'a<-x',
      `unable to parse requirement: [values[0]: Invalid value: "-x": for 'Gt', 'Lt' operators, the value must be an integer, values[0][a]: Invalid value: "-x": ${VALUE_RE_MSG}]`,
    ],
    ['a=b,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['(', "found '(', expected: !, identifier, or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
  ])('%j', (sel, msg) => {
    let err: unknown;
    try {
      parseSelector(sel);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SelectorParseError);
    expect(err).toBeInstanceOf(KctlError);
    expect((err as Error).message).toBe(msg);
  });
});

describe('parseSelector → String (sorted by key, values sorted)', () => {
  it.each<[string, string]>([
    ['', ''],
    ['   ', ''],
    ['app=web', 'app=web'],
    ['a==b', 'a==b'],
    ['a =b', 'a=b'],
    ['a!=b', 'a!=b'],
    ['a=', 'a='],
    ['x in (a,b),y notin (c),!z,w', 'w,x in (a,b),y notin (c),!z'],
    ['a in (z,y,x)', 'a in (x,y,z)'],
    ['a in (b,b,a)', 'a in (a,b)'],
    ['a in ()', 'a in ()'],
    ['a notin (,b,)', 'a notin (,b)'],
    ['in in (in,notin)', 'in in (in,notin)'],
    ['a notin(b)', 'a notin (b)'],
    ['tier=fe,app=web', 'app=web,tier=fe'],
    ['a in (b),c=d,a', 'a in (b),a,c=d'],
    ['a>1,b<2', 'a>1,b<2'],
    ['k.io/app=web', 'k.io/app=web'],
  ])('%j → %j', (sel, out) => {
    expect(selectorString(parseSelector(sel))).toBe(out);
  });
});

describe('matches', () => {
  const L = { app: 'web', tier: 'fe', n: '5', empty: '' };
  it.each<[string, boolean]>([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['app in (db)', false],
    ['missing in (x)', false],
    ['app notin (db)', true],
    ['app notin (web)', false],
    ['missing notin (web)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['empty=', true],
    ['empty', true],
    ['empty in ()', true],
    ['n>4', true],
    ['n>5', false],
    ['n<6', true],
    ['app>1', false],
    ['missing<9', false],
    ['app=web,tier=fe', true],
    ['app=web,tier=be', false],
  ])('%j → %s', (sel, want) => {
    expect(matches(sel, L)).toBe(want);
  });
  it('treats missing labels as an empty set', () => {
    expect(matches('!a', undefined)).toBe(true);
    expect(matches('a', null)).toBe(false);
    expect(matches('', undefined)).toBe(true);
  });
});

describe('LabelSelector conversion', () => {
  it('nil selects nothing, {} selects everything', () => {
    expect(labelSelectorMatches(undefined, { a: 'b' })).toBe(false);
    expect(labelSelectorMatches({}, { a: 'b' })).toBe(true);
    expect(formatLabelSelector(undefined)).toBe('<none>');
    expect(formatLabelSelector({})).toBe('<none>');
  });
  it('matchLabels and matchExpressions combine, sorted by key', () => {
    const ls = {
      matchLabels: { tier: 'fe', app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'zone', operator: 'Exists' },
        { key: 'bad', operator: 'NotIn', values: ['x'] },
      ],
    };
    expect(formatLabelSelector(ls)).toBe('app=web,bad notin (x),!canary,env in (dev,prod),tier=fe,zone');
    expect(labelSelectorMatches(ls, { app: 'web', tier: 'fe', env: 'dev', zone: 'a' })).toBe(true);
    expect(labelSelectorMatches(ls, { app: 'web', tier: 'fe', env: 'dev', zone: 'a', canary: '1' })).toBe(false);
    expect(labelSelectorMatches(ls, { app: 'web', tier: 'fe', env: 'qa', zone: 'a' })).toBe(false);
  });
  it('rejects unknown operators; FormatLabelSelector prints <error>', () => {
    const ls = { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] };
    expect(() => selectorFromLabelSelector(ls)).toThrow('"Gt" is not a valid label selector operator');
    expect(formatLabelSelector(ls)).toBe('<error>');
  });
  it('selectorFromSet', () => {
    expect(selectorString(selectorFromSet({ b: '2', a: '1' }))).toBe('a=1,b=2');
    expect(matches(selectorFromSet({ a: '1' }), { a: '1', b: '2' })).toBe(true);
    expect(matches(selectorFromSet(undefined), {})).toBe(true);
  });
});

describe('formatLabels', () => {
  it.each<[Record<string, string> | undefined, string]>([
    [undefined, '<none>'],
    [{}, '<none>'],
    [{ tier: 'fe', app: 'web' }, 'app=web,tier=fe'],
    // labels.Set.String sorts the "k=v" strings, so "a.b=2" < "a=1" ('.' < '=')
    [{ a: '1', 'a.b': '2' }, 'a.b=2,a=1'],
    [{ x: '' }, 'x='],
  ])('%j → %s', (l, s) => {
    expect(formatLabels(l)).toBe(s);
  });
});
