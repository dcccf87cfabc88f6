// Conversion of objects written in a served, non-storage version into the version kctl stores (the API server's
// conversion to the storage version): autoscaling/v1 HorizontalPodAutoscaler -> autoscaling/v2.
import { apiVersionOf, storageKindOf, type KindInfo } from './kinds.js';
import type { KubeObject } from './types.js';

type Obj = Record<string, unknown>;
type Converter = (obj: KubeObject) => KubeObject;

/** upstream autoscaling/v1 conversion: targetCPUUtilizationPercentage is the cpu Utilization metric of v2. */
const hpaV1ToV2: Converter = (obj) => {
  const { spec, status, ...rest } = obj as unknown as Obj;
  const out: Obj = { ...rest, apiVersion: 'autoscaling/v2' };
  if (spec && typeof spec === 'object') {
    const { targetCPUUtilizationPercentage: target, ...s } = spec as Obj;
    out.spec =
      typeof target === 'number'
        ? { ...s, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } } }] }
        : s;
  }
  if (status && typeof status === 'object') {
    const { currentCPUUtilizationPercentage: current, ...st } = status as Obj;
    out.status =
      typeof current === 'number'
        ? { ...st, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }] }
        : st;
  }
  return out as unknown as KubeObject;
};

const CONVERTERS: Readonly<Record<string, Converter>> = {
  'autoscaling/v1 HorizontalPodAutoscaler': hpaV1ToV2,
};

/** True when objects of ki can be written: ki is its own storage, or a converter to the storage version exists. */
export const isWritableVersion = (ki: KindInfo): boolean => storageKindOf(ki) === ki || `${apiVersionOf(ki)} ${ki.kind}` in CONVERTERS;

/** The object in its storage version, and that kind (obj itself when ki is the storage version). */
export function toStorageVersion(ki: KindInfo, obj: KubeObject): { kind: KindInfo; object: KubeObject } {
  const storage = storageKindOf(ki);
  if (storage === ki) return { kind: ki, object: obj };
  const convert = CONVERTERS[`${apiVersionOf(ki)} ${ki.kind}`];
  if (!convert) throw new Error(`no conversion from ${apiVersionOf(ki)} to ${apiVersionOf(storage)} ${ki.kind}`);
  return { kind: storage, object: convert(obj) };
}
