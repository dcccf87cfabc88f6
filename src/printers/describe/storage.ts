// PersistentVolumeClaims and StorageClasses.
import { ANN_BETA_DEFAULT_STORAGE_CLASS, ANN_BETA_STORAGE_CLASS, ANN_DEFAULT_STORAGE_CLASS } from '../../api/meta.js';
import { formatLabels } from '../../api/labels.js';
import type { KubeObject } from '../../api/types.js';
import { age } from '../age.js';
import { formatQuantity } from '../../api/quantity.js';
import { goSort } from '../sort.js';
import { a, describeEvents, type DescribeRelated, eventsFor, formatRFC1123Z, goList, o, type Obj, PrefixWriter, printAnnotationsMultiline, printBoolPtr, printLabelsMultiline, s, strMap } from './helpers.js';

export const pvcClass = (meta: Obj, spec: Obj): string => {
  const ann = o(meta.annotations);
  if (typeof ann[ANN_BETA_STORAGE_CLASS] === 'string') return ann[ANN_BETA_STORAGE_CLASS] as string;
  return s(spec.storageClassName);
};
const accessModes = (modes: unknown): string => {
  const m = new Set(a(modes).map(s));
  return [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ]
    .filter(([k]) => m.has(k!))
    .map(([, v]) => v)
    .join(',');
};

export function describePVC(w: PrefixWriter, pvc: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const spec = o(pvc.spec);
  const st = o(pvc.status);
  w.write(0, `Name:\t${pvc.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(pvc.metadata.namespace)}\n`);
  w.write(0, `StorageClass:\t${pvcClass(pvc.metadata as unknown as Obj, spec)}\n`);
  if (pvc.metadata.deletionTimestamp) w.write(0, `Status:\tTerminating (lasts ${age(pvc.metadata.deletionTimestamp, now)})\n`);
  else w.write(0, `Status:\t${s(st.phase)}\n`);
  w.write(0, `Volume:\t${s(spec.volumeName)}\n`);
  printLabelsMultiline(w, 'Labels', pvc.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', pvc.metadata.annotations);
  w.write(0, `Finalizers:\t${goList(pvc.metadata.finalizers)}\n`);
  const bound = s(spec.volumeName) !== '';
  w.write(0, `Capacity:\t${bound ? formatQuantity(o(st.capacity).storage ?? '0') : ''}\n`);
  w.write(0, `Access Modes:\t${bound ? accessModes(st.accessModes) : ''}\n`);
  if (typeof spec.volumeMode === 'string') w.write(0, `VolumeMode:\t${spec.volumeMode}\n`);
  if (spec.dataSource) {
    const ds = o(spec.dataSource);
    w.write(0, 'DataSource:\n');
    if (typeof ds.apiGroup === 'string') w.write(1, `APIGroup:\t${ds.apiGroup}\n`);
    w.write(1, `Kind:\t${s(ds.kind)}\n`);
    w.write(1, `Name:\t${s(ds.name)}\n`);
  }
  const users = (rel.pods ?? []).filter(
    (p) =>
      p.metadata.namespace === pvc.metadata.namespace &&
      a(o(p.spec).volumes).some((vol) => s(o(o(vol).persistentVolumeClaim).claimName) === pvc.metadata.name),
  );
  w.write(0, 'Used By:\t');
  if (users.length === 0) w.writeLine('<none>');
  else
    goSort([...users], (x, y) => x.metadata.name < y.metadata.name).forEach((p, i) => {
      if (i !== 0) w.write(0, '\t');
      w.write(0, `${p.metadata.name}\n`);
    });
  const conds = a(st.conditions).map(o);
  if (conds.length) {
    w.write(0, 'Conditions:\n');
    w.write(1, 'Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conds)
      w.write(1, `${s(c.type)} \t${s(c.status)} \t${formatRFC1123Z(c.lastProbeTime)} \t${formatRFC1123Z(c.lastTransitionTime)} \t${s(c.reason)} \t${s(c.message)}\n`);
  }
  if (showEvents) describeEvents(w, eventsFor(pvc, rel.events), now);
}

export function describeStorageClass(w: PrefixWriter, sc: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  const x = sc as Obj;
  const ann = sc.metadata.annotations ?? {};
  const isDefault =
    ann[ANN_DEFAULT_STORAGE_CLASS] === 'true' || ann[ANN_BETA_DEFAULT_STORAGE_CLASS] === 'true';
  w.write(0, `Name:\t${sc.metadata.name}\n`);
  w.write(0, `IsDefaultClass:\t${isDefault ? 'Yes' : 'No'}\n`);
  w.write(0, `Annotations:\t${formatLabels(sc.metadata.annotations)}\n`);
  w.write(0, `Provisioner:\t${s(x.provisioner)}\n`);
  w.write(0, `Parameters:\t${formatLabels(strMap(x.parameters))}\n`);
  w.write(0, `AllowVolumeExpansion:\t${printBoolPtr(x.allowVolumeExpansion)}\n`);
  const mo = a(x.mountOptions).map(s);
  w.write(0, `MountOptions:${mo.length === 0 ? '\t<none>' : ''}\n`);
  for (const m of mo) w.write(1, `${m}\n`);
  w.write(0, `ReclaimPolicy:\t${typeof x.reclaimPolicy === 'string' ? x.reclaimPolicy : '<unset>'}\n`);
  w.write(0, `VolumeBindingMode:\t${typeof x.volumeBindingMode === 'string' ? x.volumeBindingMode : '<unset>'}\n`);
  const topo = a(x.allowedTopologies).map(o);
  if (topo.length) {
    w.write(0, 'AllowedTopologies:\t\n');
    topo.forEach((t, i) => {
      const terms = a(t.matchLabelExpressions).map(o);
      const txt = terms.map((e) => `${s(e.key)} in [${a(e.values).map(s).join(', ')}]`).join(', ');
      w.write(1, `Term ${i}:\t${txt}\n`);
    });
  }
  if (showEvents) describeEvents(w, eventsFor(sc, rel.events), now);
}
