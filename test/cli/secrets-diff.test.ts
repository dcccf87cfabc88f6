// kctl diff never prints Secret values (kubectl's masker): keys that changed show *** (before) / *** (after).
import { afterAll, expect, it } from 'vitest';
import { makeKctl, tempHome } from '../helpers/kctl-bin.js';

const t = tempHome('kctl-sdiff-');
const k = makeKctl(t.home);
afterAll(() => t.dispose());

const secret = (pw: string) => `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: ${pw}, user: admin}\n`;

it('masks Secret values in diffs', () => {
  expect(k.run(['apply', '-f', '-'], { input: secret('first-s3cret') }).code).toBe(0);
  const r = k.run(['diff', '-f', '-'], { input: secret('second-s3cret') });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('-  password: \'*** (before)\'');
  expect(r.stdout).toContain('+  password: \'*** (after)\'');
  expect(r.stdout).not.toMatch(/s3cret|c2VjcmV0|czNjcmV0/); // neither the values nor their base64
  expect(r.stdout).not.toContain('user: admin');
});
