import { describe, expect, it } from 'vitest';
import {
  base64Error,
  configMapKeyErrors,
  envVarNameErrors,
  labelValueErrors,
  portNameErrors,
  qualifiedNameErrors,
} from '../../../../src/api/validation/formats.js';

describe('string formats', () => {
  it.each([
    ['app', 0],
    ['app.kubernetes.io/name', 0],
    ['example.com/MyName', 0],
    ['-bad', 1],
    ['a/b/c', 1],
    ['/name', 1],
    ['Example.com/name', 1],
    ['x'.repeat(64), 1],
  ])('qualified name %j has %d problem(s)', (v, n) => {
    expect(qualifiedNameErrors(v)).toHaveLength(n);
  });

  it.each([
    ['', 0],
    ['v1.2_3-x', 0],
    ['hello world', 1],
    ['-x', 1],
    ['x'.repeat(64), 1],
  ])('label value %j has %d problem(s)', (v, n) => {
    expect(labelValueErrors(v)).toHaveLength(n);
  });

  it.each([
    ['http', []],
    ['metrics-9113', []],
    ['HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
    ['8080', ['must contain at least one letter (a-z)']],
    ['a--b', ['must not contain consecutive hyphens']],
    ['-web', ['must not begin or end with a hyphen']],
    ['a-very-long-port-name', ['must be no more than 15 characters']],
  ])('port name %j', (v, want) => {
    expect(portNameErrors(v)).toEqual(want);
  });

  it.each([
    ['key.name', 0],
    ['KEY_NAME', 0],
    ['bad key', 1],
    ['..', 1],
    ['..x', 1],
  ])('config key %j has %d problem(s)', (v, n) => {
    expect(configMapKeyErrors(v)).toHaveLength(n);
  });

  it.each([
    ['MY_VAR', 0],
    ['my.env-name', 0],
    ['1ABC', 1],
    ['A B', 1],
  ])('env var name %j has %d problem(s)', (v, n) => {
    expect(envVarNameErrors(v)).toHaveLength(n);
  });

  it.each([
    ['YWRtaW4=', undefined],
    ['czNjcjN0', undefined],
    ['YWJj\nZGVm', undefined],
    ['', undefined],
    ['hunter2!', 'illegal base64 data at input byte 7'],
    ['abc', 'illegal base64 data at input byte 0'],
    ['YQ=x', 'illegal base64 data at input byte 2'],
    ['YWJjZA', 'illegal base64 data at input byte 4'],
  ])('base64 %j -> %s', (v, want) => {
    expect(base64Error(v)).toBe(want);
  });
});

