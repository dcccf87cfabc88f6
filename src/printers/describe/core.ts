// ConfigMaps, Secrets, ServiceAccounts, Namespaces.
import { SERVICE_ACCOUNT_NAME, SERVICE_ACCOUNT_UID } from '../../api/meta.js';
import type { KubeObject } from '../../api/types.js';
import { a, describeEvents, type DescribeRelated, eventsFor, formatRFC1123Z, o, type Obj, PrefixWriter, printAnnotationsMultiline, printLabelsMultiline, s } from './helpers.js';

export function describeConfigMap(w: PrefixWriter, cm: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  w.write(0, `Name:\t${cm.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(cm.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', cm.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', cm.metadata.annotations);
  // kubectl walks a Go map here (random order); kctl prints the keys sorted
  const data = o((cm as Obj).data);
  w.write(0, '\nData\n====\n');
  for (const k of Object.keys(data).sort()) {
    w.write(0, `${k}:\n----\n`);
    w.write(0, `${s(data[k])}\n`);
    w.write(0, '\n');
  }
  w.write(0, '\nBinaryData\n====\n');
  const bin = o((cm as Obj).binaryData);
  for (const k of Object.keys(bin).sort()) w.write(0, `${k}: ${Buffer.from(s(bin[k]), 'base64').length} bytes\n`);
  w.write(0, '\n');
  if (showEvents) describeEvents(w, eventsFor(cm, rel.events), now);
}

export function describeSecret(w: PrefixWriter, sec: KubeObject): void {
  w.write(0, `Name:\t${sec.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(sec.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', sec.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', sec.metadata.annotations);
  w.write(0, `\nType:\t${s((sec as Obj).type)}\n`);
  w.write(0, '\nData\n====\n');
  const data = o((sec as Obj).data);
  // kubectl prints a service-account token's value; kctl never prints secret values, only their sizes
  for (const k of Object.keys(data).sort()) w.write(0, `${k}:\t${Buffer.from(s(data[k]), 'base64').length} bytes\n`);
}

export function describeServiceAccount(w: PrefixWriter, sa: KubeObject, rel: DescribeRelated, now: Date, showEvents: boolean): void {
  w.write(0, `Name:\t${sa.metadata.name}\n`);
  w.write(0, `Namespace:\t${s(sa.metadata.namespace)}\n`);
  printLabelsMultiline(w, 'Labels', sa.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', sa.metadata.annotations);
  const secrets = (rel.secrets ?? []).filter((x) => x.metadata.namespace === sa.metadata.namespace);
  const existing = new Set(secrets.map((x) => x.metadata.name));
  const tokens = secrets
    .filter(
      (x) =>
        (x as Obj).type === 'kubernetes.io/service-account-token' &&
        x.metadata.annotations?.[SERVICE_ACCOUNT_NAME] === sa.metadata.name &&
        x.metadata.annotations?.[SERVICE_ACCOUNT_UID] === s(sa.metadata.uid),
    )
    .map((x) => x.metadata.name);
  const pull = a((sa as Obj).imagePullSecrets).map((x) => s(o(x).name));
  const mount = a((sa as Obj).secrets).map((x) => s(o(x).name));
  const missing = new Set([...pull, ...mount].filter((x) => !existing.has(x)));
  const groups: [string, string[]][] = [
    ['Image pull secrets:', pull],
    ['Mountable secrets: ', mount],
    ['Tokens:            ', tokens],
  ];
  for (const [header, names] of groups) {
    if (names.length === 0) {
      w.write(0, `${header}\t<none>\n`);
      continue;
    }
    let prefix = header;
    for (const nm of names) {
      w.write(0, `${prefix}\t${nm}${missing.has(nm) ? ' (not found)' : ''}\n`);
      prefix = '                   ';
    }
  }
  if (showEvents) describeEvents(w, eventsFor(sa, rel.events), now);
}

export function describeNamespace(w: PrefixWriter, ns: KubeObject): void {
  w.write(0, `Name:\t${ns.metadata.name}\n`);
  printLabelsMultiline(w, 'Labels', ns.metadata.labels);
  printAnnotationsMultiline(w, 'Annotations', ns.metadata.annotations);
  w.write(0, `Status:\t${s(o(ns.status).phase)}\n`);
  const conds = a(o(ns.status).conditions).map(o);
  if (conds.length) {
    w.write(0, 'Conditions:\n');
    w.write(1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t------------------\t------\t-------\n');
    for (const c of conds)
      w.write(1, `${s(c.type)}\t${s(c.status)}\t${formatRFC1123Z(c.lastTransitionTime)}\t${s(c.reason)}\t${s(c.message)}\n`);
  }
  // kctl has no ResourceQuota or LimitRange objects: print what kubectl prints when there are none
  w.write(0, '\n');
  w.write(0, 'No resource quota.\n');
  w.write(0, '\n');
  w.write(0, 'No LimitRange resource.\n');
}
