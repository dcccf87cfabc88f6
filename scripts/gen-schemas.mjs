#!/usr/bin/env node
// Dev tool (not part of the build): generates schemas/ from the upstream Kubernetes 1.32 OpenAPI v2 spec vendored
// in scripts/upstream/ (see scripts/upstream/README.md for its origin). Run `node scripts/gen-schemas.mjs` after
// replacing the spec or adding a kind to src/api/kinds.ts, and commit the output. For every kind in
// src/api/kinds.ts it
//   - checks the registry row against the spec's paths (plural, namespaced, verbs, status subresource), so the
//     registry cannot drift from what a 1.32 API server serves;
//   - writes the transitive closure of the kind's definitions to schemas/_defs.json (keyed by upstream ids):
//     objects with properties refuse unknown fields (strict field validation), `required` as upstream,
//     IntOrString -> integer|string, Quantity -> string matching the quantity grammar or number, Time -> string,
//     definitions without properties (RawExtension, FieldsV1, apiextensions JSON) -> any JSON;
//   - enums upstream validates but the v2 spec only states in prose come from the ENUMS table below.
// Output: schemas/_defs.json + schemas/<group|core>.<version>.<Kind>.json.
import { gunzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SPEC_FILE = join(root, 'scripts/upstream/kubernetes-1.32-swagger.json.gz');
const outDir = join(root, 'schemas');

/** The vendored upstream spec (swagger 2.0: definitions + paths). */
export function readSpec() {
  return JSON.parse(gunzipSync(readFileSync(SPEC_FILE)).toString('utf8'));
}

/** Parsed from src/api/kinds.ts so the generator cannot drift from the kinds the CLI serves. */
export function readKinds() {
  const src = readFileSync(join(root, 'src/api/kinds.ts'), 'utf8');
  const kinds = [];
  const re = /k\('(\w+)',\s*'(\w+)',\s*\[[^\]]*\],\s*'([^']*)',\s*'(\w+)',\s*(true|false)(?:,\s*\[[^\]]*\](?:,\s*(true|false)(?:,\s*(\w+|\[[^\]]*\]))?)?)?\)/g;
  const presets = { CRUD: null, NO_DELETECOLLECTION: 'nodc', CREATE_ONLY: ['create'] };
  for (let m; (m = re.exec(src)); ) {
    let verbs = null;
    if (m[7]?.startsWith('[')) verbs = [...m[7].matchAll(/'(\w+)'/g)].map((x) => x[1]);
    else if (m[7]) verbs = presets[m[7]];
    kinds.push({ kind: m[1], plural: m[2], group: m[3], version: m[4], namespaced: m[5] === 'true', hasStatus: m[6] !== 'false', verbs });
  }
  if (kinds.length === 0) throw new Error('no kinds found in src/api/kinds.ts');
  return kinds;
}

const CRUD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const ACTION_VERB = { get: 'get', list: 'list', watch: 'watch', watchlist: 'watch', post: 'create', put: 'update', patch: 'patch', delete: 'delete', deletecollection: 'deletecollection' };
const PATH_RE = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(watch\/)?(namespaces\/\{namespace\}\/)?([a-z0-9]+)(\/\{name\})?(?:\/([a-z]+))?$/;

/** What the spec's paths say about each resource: "group/version/plural" -> {kind, namespaced, verbs, subresources}. */
export function resourcesOfSpec(spec) {
  const out = new Map();
  for (const [path, ops] of Object.entries(spec.paths)) {
    const m = PATH_RE.exec(path);
    if (!m) continue;
    const [, coreV, group = '', groupV, , nsPart, plural, , sub] = m;
    if (plural === 'namespaces' && nsPart) continue;
    const key = `${group}/${coreV ?? groupV}/${plural}`;
    let r = out.get(key);
    if (!r) out.set(key, (r = { kind: undefined, namespaced: false, verbs: new Set(), subresources: new Set() }));
    for (const [method, op] of Object.entries(ops)) {
      if (method === 'parameters') continue;
      if (sub) {
        r.subresources.add(sub);
        continue;
      }
      r.kind ??= op['x-kubernetes-group-version-kind']?.kind;
      if (nsPart) r.namespaced = true;
      const verb = ACTION_VERB[op['x-kubernetes-action']];
      if (verb) r.verbs.add(verb);
    }
  }
  return out;
}

function checkRegistry(kinds, spec) {
  const resources = resourcesOfSpec(spec);
  const problems = [];
  for (const k of kinds) {
    const r = resources.get(`${k.group}/${k.version}/${k.plural}`);
    if (!r) {
      problems.push(`${k.kind}: no resource ${k.group}/${k.version}/${k.plural} in the spec`);
      continue;
    }
    const verbs = [...r.verbs].sort();
    const want = k.verbs === 'nodc' ? CRUD.filter((v) => v !== 'deletecollection') : (k.verbs ?? CRUD);
    if (r.kind !== k.kind) problems.push(`${k.plural}: kind ${r.kind} in the spec, ${k.kind} in kinds.ts`);
    if (r.namespaced !== k.namespaced) problems.push(`${k.kind}: namespaced ${r.namespaced} in the spec`);
    if (verbs.join() !== [...want].sort().join()) problems.push(`${k.kind}: verbs [${verbs}] in the spec, [${want}] in kinds.ts`);
    if (r.subresources.has('status') !== k.hasStatus) problems.push(`${k.kind}: status subresource ${r.subresources.has('status')} in the spec`);
  }
  if (problems.length) throw new Error(`src/api/kinds.ts disagrees with the upstream spec:\n  ${problems.join('\n  ')}`);
}

/** The spec's definition id of a kind ("io.k8s.api.apps.v1.Deployment"), from x-kubernetes-group-version-kind. */
export function definitionIdOf(spec, group, version, kind) {
  for (const [id, d] of Object.entries(spec.definitions))
    if ((d['x-kubernetes-group-version-kind'] ?? []).some((g) => g.group === group && g.version === version && g.kind === kind)) return id;
  throw new Error(`no definition for ${group}/${version} ${kind} in the spec`);
}

export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

// Enums upstream validates (its "Possible enum values") that the v2 spec only describes in prose.
// Key: <definition id>.<property>; for arrays the enum applies to the items.
const C = 'io.k8s.api.core.v1';
const A = 'io.k8s.api.apps.v1';
const B = 'io.k8s.api.batch.v1';
const M = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const protocols = ['SCTP', 'TCP', 'UDP'];
const taintEffects = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
const reclaim = ['Delete', 'Recycle', 'Retain'];
const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const seccomp = ['Localhost', 'RuntimeDefault', 'Unconfined'];
export const ENUMS = {
  [`${C}.Container.imagePullPolicy`]: ['Always', 'IfNotPresent', 'Never'],
  [`${C}.EphemeralContainer.imagePullPolicy`]: ['Always', 'IfNotPresent', 'Never'],
  [`${C}.Container.terminationMessagePolicy`]: ['FallbackToLogsOnError', 'File'],
  [`${C}.EphemeralContainer.terminationMessagePolicy`]: ['FallbackToLogsOnError', 'File'],
  [`${C}.Container.restartPolicy`]: ['Always'],
  [`${C}.ContainerPort.protocol`]: protocols,
  [`${C}.ServicePort.protocol`]: protocols,
  [`${C}.EndpointPort.protocol`]: protocols,
  [`io.k8s.api.discovery.v1.EndpointPort.protocol`]: protocols,
  [`${C}.PodSpec.restartPolicy`]: ['Always', 'Never', 'OnFailure'],
  [`${C}.PodSpec.dnsPolicy`]: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
  [`${C}.PodSpec.preemptionPolicy`]: ['Never', 'PreemptLowerPriority'],
  [`${C}.PodOS.name`]: ['linux', 'windows'],
  [`${C}.Toleration.operator`]: ['Equal', 'Exists'],
  [`${C}.Toleration.effect`]: taintEffects,
  [`${C}.Taint.effect`]: taintEffects,
  [`${C}.NodeSelectorRequirement.operator`]: ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'],
  [`${M}.LabelSelectorRequirement.operator`]: ['DoesNotExist', 'Exists', 'In', 'NotIn'],
  [`${C}.TopologySpreadConstraint.whenUnsatisfiable`]: ['DoNotSchedule', 'ScheduleAnyway'],
  [`${C}.TopologySpreadConstraint.nodeAffinityPolicy`]: ['Honor', 'Ignore'],
  [`${C}.TopologySpreadConstraint.nodeTaintsPolicy`]: ['Honor', 'Ignore'],
  [`${C}.ServiceSpec.type`]: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'],
  [`${C}.ServiceSpec.sessionAffinity`]: ['ClientIP', 'None'],
  [`${C}.ServiceSpec.externalTrafficPolicy`]: ['Cluster', 'Local'],
  [`${C}.ServiceSpec.internalTrafficPolicy`]: ['Cluster', 'Local'],
  [`${C}.ServiceSpec.ipFamilyPolicy`]: ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
  [`${C}.ServiceSpec.ipFamilies`]: ['IPv4', 'IPv6'],
  [`${C}.PersistentVolumeClaimSpec.accessModes`]: accessModes,
  [`${C}.PersistentVolumeSpec.accessModes`]: accessModes,
  [`${C}.PersistentVolumeClaimSpec.volumeMode`]: ['Block', 'Filesystem'],
  [`${C}.PersistentVolumeSpec.volumeMode`]: ['Block', 'Filesystem'],
  [`${C}.PersistentVolumeSpec.persistentVolumeReclaimPolicy`]: reclaim,
  [`${C}.PersistentVolumeStatus.phase`]: ['Available', 'Bound', 'Failed', 'Pending', 'Released'],
  [`${C}.PersistentVolumeClaimStatus.phase`]: ['Bound', 'Lost', 'Pending'],
  [`${C}.HostPathVolumeSource.type`]: ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'],
  [`${C}.SecurityContext.procMount`]: ['Default', 'Unmasked'],
  [`${C}.SeccompProfile.type`]: seccomp,
  [`${C}.AppArmorProfile.type`]: seccomp,
  [`${C}.PodSecurityContext.fsGroupChangePolicy`]: ['Always', 'OnRootMismatch'],
  [`${C}.HTTPGetAction.scheme`]: ['HTTP', 'HTTPS'],
  [`${C}.ContainerResizePolicy.restartPolicy`]: ['NotRequired', 'RestartContainer'],
  [`${C}.PodStatus.phase`]: ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'],
  [`${C}.PodStatus.qosClass`]: ['BestEffort', 'Burstable', 'Guaranteed'],
  [`${C}.NamespaceStatus.phase`]: ['Active', 'Terminating'],
  [`${C}.NodeStatus.phase`]: ['Pending', 'Running', 'Terminated'],
  [`${A}.DeploymentStrategy.type`]: ['Recreate', 'RollingUpdate'],
  [`${A}.DaemonSetUpdateStrategy.type`]: ['OnDelete', 'RollingUpdate'],
  [`${A}.StatefulSetUpdateStrategy.type`]: ['OnDelete', 'RollingUpdate'],
  [`${A}.StatefulSetSpec.podManagementPolicy`]: ['OrderedReady', 'Parallel'],
  [`${A}.StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted`]: ['Delete', 'Retain'],
  [`${A}.StatefulSetPersistentVolumeClaimRetentionPolicy.whenScaled`]: ['Delete', 'Retain'],
  [`${B}.CronJobSpec.concurrencyPolicy`]: ['Allow', 'Forbid', 'Replace'],
  [`${B}.JobSpec.completionMode`]: ['Indexed', 'NonIndexed'],
  [`${B}.JobSpec.podReplacementPolicy`]: ['Failed', 'TerminatingOrFailed'],
  [`${B}.PodFailurePolicyRule.action`]: ['Count', 'FailIndex', 'FailJob', 'Ignore'],
  [`${B}.PodFailurePolicyOnExitCodesRequirement.operator`]: ['In', 'NotIn'],
  [`io.k8s.api.discovery.v1.EndpointSlice.addressType`]: ['FQDN', 'IPv4', 'IPv6'],
  [`io.k8s.api.storage.v1.StorageClass.reclaimPolicy`]: reclaim,
  [`io.k8s.api.storage.v1.StorageClass.volumeBindingMode`]: ['Immediate', 'WaitForFirstConsumer'],
};

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function main() {
  const spec = readSpec();
  const kinds = readKinds();
  checkRegistry(kinds, spec);
  const defs = {};
  const queue = [];
  const seen = new Set();
  const ref = (id) => {
    if (!seen.has(id)) {
      if (!spec.definitions[id]) throw new Error(`missing definition ${id}`);
      seen.add(id);
      queue.push(id);
    }
    return { $ref: `_defs.json#/definitions/${id}` };
  };
  const localId = (r) => r.slice('#/definitions/'.length);

  function typeSchema(s, fieldKey) {
    if (s.$ref) return ref(localId(s.$ref));
    switch (s.type) {
      case 'string':
        return s.format === 'int-or-string' ? ref(INT_OR_STRING) : { type: 'string' };
      case 'boolean':
        return { type: 'boolean' };
      case 'integer':
        return { type: 'integer' };
      case 'number':
        return { type: 'number' };
      case 'array':
        return { type: 'array', items: typeSchema(s.items, fieldKey) };
      case 'object':
        if (s.additionalProperties) return { type: 'object', additionalProperties: typeSchema(s.additionalProperties, fieldKey) };
        return { type: 'object' };
      case undefined:
        return {};
    }
    throw new Error(`unsupported schema ${JSON.stringify(s)} at ${fieldKey}`);
  }

  function defSchema(id) {
    const d = spec.definitions[id];
    const description = d.description ?? '';
    if (id === QUANTITY) return { description, type: ['string', 'number'], pattern: QUANTITY_PATTERN };
    if (id === INT_OR_STRING) return { description, type: ['integer', 'string'] };
    if (!d.properties) {
      if (d.type === 'string') return { description, type: 'string' };
      return { description, 'x-kubernetes-preserve-unknown-fields': true }; // any JSON
    }
    const properties = {};
    for (const [name, p] of Object.entries(d.properties)) {
      const key = `${id}.${name}`;
      let s = typeSchema(p, key);
      const values = ENUMS[key];
      if (values) {
        if (s.type === 'array') s = { ...s, items: { ...s.items, enum: values } };
        else s = { ...s, enum: values };
      }
      // $ref siblings: keep the field's own description next to the reference (explain prints both).
      properties[name] = p.description ? { description: p.description, ...s } : s;
    }
    const out = { description, type: 'object', properties, additionalProperties: false };
    if (d.required?.length) out.required = [...d.required].sort();
    return out;
  }

  const kindFiles = kinds.map((k) => ({ k, id: localId(ref(definitionIdOf(spec, k.group, k.version, k.kind)).$ref.replace('_defs.json', '')) }));
  while (queue.length) {
    const id = queue.shift();
    defs[id] = defSchema(id);
  }
  for (const key of Object.keys(ENUMS)) {
    const [defId, prop] = [key.slice(0, key.lastIndexOf('.')), key.slice(key.lastIndexOf('.') + 1)];
    if (!defs[defId]?.properties?.[prop]) throw new Error(`enum table: no field ${key}`);
  }

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const sorted = Object.fromEntries(Object.keys(defs).sort().map((id) => [id, defs[id]]));
  writeFileSync(
    join(outDir, '_defs.json'),
    JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', $id: '_defs.json', definitions: sorted }, null, 1) + '\n',
  );
  for (const { k, id } of kindFiles) {
    const schemaId = `${k.group || 'core'}.${k.version}.${k.kind}`;
    const file = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: `${schemaId}.json`,
      description: defs[id].description,
      'x-kubernetes-group-version-kind': [{ group: k.group, kind: k.kind, version: k.version }],
      $ref: `_defs.json#/definitions/${id}`,
    };
    writeFileSync(join(outDir, `${schemaId}.json`), JSON.stringify(file, null, 2) + '\n');
  }
  const total = readdirSync(outDir).reduce((n, f) => n + readFileSync(join(outDir, f)).length, 0);
  console.log(`schemas/: ${kindFiles.length} kinds, ${Object.keys(defs).length} definitions, ${total} bytes`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
