// `wait --for=...` as pure functions (kubectl pkg/cmd/wait): parse the condition, then check one object.
import type { KubeObject } from '../../api/types.js';
import { compileJSONPath, goSprint, relaxedJSONPathExpression, type JSONPath } from '../../printers/jsonpath.js';
import { KctlError } from '../../util/errors.js';

type Obj = Record<string, unknown>;
const o = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

export type WaitFor =
  | { type: 'delete' }
  | { type: 'create' }
  /** status.conditions[type=name].status compared case-insensitively with value (default "true") */
  | { type: 'condition'; name: string; value: string }
  /** the jsonpath's single result equals value; any value when value is undefined */
  | { type: 'jsonpath'; expression: string; path: JSONPath; value?: string };

const invalid = (m: string): KctlError => new KctlError('Usage', m);

/** Splits `{.a}=v` at the first `=` outside braces (kubectl's splitJSONPathInput). */
function splitJSONPathInput(input: string): string[] {
  let depth = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === '=' && depth === 0) return [input.slice(0, i), input.slice(i + 1)];
  }
  return [input];
}

/** kubectl's conditionFuncFor: `delete`, `create`, `condition=NAME[=VALUE]`, `jsonpath='{EXPR}'[=VALUE]`. */
export function parseWaitFor(condition: string): WaitFor {
  const lower = condition.toLowerCase();
  if (lower === 'delete') return { type: 'delete' };
  if (lower === 'create') return { type: 'create' };
  if (condition.startsWith('condition=')) {
    const rest = condition.slice('condition='.length);
    const eq = rest.indexOf('=');
    return eq === -1 ? { type: 'condition', name: rest, value: 'true' } : { type: 'condition', name: rest.slice(0, eq), value: rest.slice(eq + 1) };
  }
  if (condition.startsWith('jsonpath=')) {
    const parts = splitJSONPathInput(condition.slice('jsonpath='.length));
    const expr = parts[0]!.replace(/^'(.*)'$/s, '$1');
    if (expr === '') throw invalid('jsonpath expression cannot be empty');
    let relaxed: string;
    let path: JSONPath;
    try {
      relaxed = relaxedJSONPathExpression(expr);
      path = compileJSONPath(relaxed, { allowMissingKeys: true });
    } catch (e) {
      throw invalid((e as Error).message);
    }
    if (parts.length === 1) return { type: 'jsonpath', expression: relaxed, path };
    const value = parts[1]!.replace(/^['"]+|['"]+$/g, '');
    if (parts[1] === '' || value === '') throw invalid('jsonpath wait value cannot be empty');
    return { type: 'jsonpath', expression: relaxed, path, value };
  }
  throw invalid(`unrecognized condition: ${JSON.stringify(condition)}`);
}

/**
 * ConditionalWait.checkCondition: the condition of that type has the wanted status (case-insensitive), and the
 * object's generation has been observed (the condition's observedGeneration, else status.observedGeneration).
 */
export function conditionMet(obj: KubeObject, name: string, value: string): boolean {
  const status = o(obj.status);
  const conditions = Array.isArray(status.conditions) ? status.conditions.map(o) : [];
  for (const c of conditions) {
    if (typeof c.type !== 'string' || c.type.toLowerCase() !== name.toLowerCase()) continue;
    if (typeof c.status !== 'string') continue;
    const generation = obj.metadata.generation;
    if (typeof generation === 'number') {
      const observed = typeof c.observedGeneration === 'number' ? c.observedGeneration : typeof status.observedGeneration === 'number' ? status.observedGeneration : undefined;
      if (observed !== undefined && observed < generation) return false;
    }
    return c.status.toLowerCase() === value.toLowerCase();
  }
  return false;
}

/** JSONPathWait.checkCondition; throws kubectl's errors for ambiguous or nested results. */
export function jsonPathMet(obj: KubeObject, path: JSONPath, value: string | undefined): boolean {
  let results: unknown[][];
  try {
    results = path.findResults(obj) as unknown[][];
  } catch (e) {
    throw new KctlError('Invalid', (e as Error).message);
  }
  if (results.length === 0 || results[0]!.length === 0) return false;
  if (results.length > 1) throw new KctlError('Invalid', 'given jsonpath expression matches more than one list');
  if (results[0]!.length > 1) throw new KctlError('Invalid', 'given jsonpath expression matches more than one value');
  if (value === undefined) return true;
  const r = results[0]![0];
  if (r !== null && typeof r === 'object') throw new KctlError('Invalid', 'jsonpath leads to a nested object or list which is not supported');
  return goSprint(r as never).trim() === value.trim();
}

/** Whether `obj` satisfies a condition/jsonpath wait (delete and create are decided by existence). */
export function waitConditionMet(obj: KubeObject, w: WaitFor): boolean {
  switch (w.type) {
    case 'condition':
      return conditionMet(obj, w.name, w.value);
    case 'jsonpath':
      return jsonPathMet(obj, w.path, w.value);
    case 'create':
      return true;
    case 'delete':
      return false;
  }
}
