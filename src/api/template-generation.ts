// A DaemonSet's template generation (upstream pkg/registry/apps/daemonset/strategy.go PrepareForCreate /
// PrepareForUpdate, and the apps/v1 conversion that keeps spec.templateGeneration in the annotation
// `deprecated.daemonset.template.generation`). Applied by the store on every write, so the CLI and the API server
// see the same value. Pure.
import type { KubeObject } from './types.js';
import { DAEMONSET_TEMPLATE_GENERATION } from './meta.js';
import { deepEqual } from '../util/deep-equal.js';

type Obj = Record<string, unknown>;

const parse = (v: string | undefined): number => {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return 0;
  return Number.parseInt(v, 10);
};

const templateOf = (o: KubeObject): unknown => ((o as { spec?: Obj }).spec ?? {}).template ?? null;

/**
 * Stamps the annotation on `next`: on a create the given value when it is at least 1, else 1; on an update the
 * stored value, plus one when spec.template changed.
 */
export function stampTemplateGeneration(next: KubeObject, stored: KubeObject | undefined): void {
  let gen: number;
  if (!stored) gen = Math.max(1, parse(next.metadata.annotations?.[DAEMONSET_TEMPLATE_GENERATION]));
  else {
    gen = parse(stored.metadata.annotations?.[DAEMONSET_TEMPLATE_GENERATION]);
    if (!deepEqual(templateOf(stored), templateOf(next))) gen += 1;
  }
  next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [DAEMONSET_TEMPLATE_GENERATION]: String(gen) };
}

/** upstream GetTemplateGeneration: the annotation's value, undefined when absent or not a number. */
export function getTemplateGeneration(ds: Pick<KubeObject, 'metadata'>): number | undefined {
  const v = ds.metadata.annotations?.[DAEMONSET_TEMPLATE_GENERATION];
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return undefined;
  return Number.parseInt(v, 10);
}
