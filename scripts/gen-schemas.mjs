#!/usr/bin/env node
// Dev tool (not part of the build): generates schemas/ from the upstream-described d.ts files in
// node_modules/kubernetes-types. Run `node scripts/gen-schemas.mjs` after bumping kubernetes-types and commit
// the output. Walks interfaces with the TypeScript compiler API, starting from the kinds in src/api/kinds.ts:
//   - a property without `?` is required;
//   - Array<T> -> array, {[k: string]: T} -> map (the only objects allowed additional properties);
//   - number | string -> IntOrString, Quantity -> string matching the quantity grammar or number,
//     Time/MicroTime -> string, empty interfaces (RawExtension, FieldsV1) -> any JSON;
//   - `number` -> integer (the kinds kctl serves have no floating-point fields; see FLOAT_FIELDS);
//   - enums the d.ts only states in prose come from the ENUMS table below (upstream "Possible enum values").
// Output: schemas/_defs.json (definitions keyed by upstream OpenAPI ids) + schemas/<group|core>.<version>.<Kind>.json.
import ts from 'typescript';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const typesDir = join(root, 'node_modules/kubernetes-types');
const outDir = join(root, 'schemas');

/** Parsed from src/api/kinds.ts so the generator cannot drift from the kinds the CLI serves. */
function readKinds() {
  const src = readFileSync(join(root, 'src/api/kinds.ts'), 'utf8');
  const kinds = [];
  const re = /k\('(\w+)',\s*'\w+',\s*\[[^\]]*\],\s*'([^']*)',\s*'(\w+)'/g;
  for (let m; (m = re.exec(src)); ) kinds.push({ kind: m[1], group: m[2], version: m[3] });
  if (kinds.length === 0) throw new Error('no kinds found in src/api/kinds.ts');
  return kinds;
}

/** d.ts module (relative to kubernetes-types, no extension) -> upstream OpenAPI definition prefix. */
function defPrefix(modulePath) {
  if (modulePath === 'meta/v1') return 'io.k8s.apimachinery.pkg.apis.meta.v1';
  if (modulePath === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource';
  if (modulePath === 'runtime') return 'io.k8s.apimachinery.pkg.runtime';
  const [g, v] = modulePath.split('/');
  return `io.k8s.api.${g}.${v}`;
}

/** API group -> d.ts module directory. */
const groupModule = (group) => (group === '' ? 'core' : group.split('.')[0]);

export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';

// Enums upstream declares (OpenAPI "Possible enum values") but the d.ts only describes in prose.
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
/** `number` fields that are not integers upstream (none in the kinds kctl serves today). */
const FLOAT_FIELDS = new Set([]);

function main() {
  const kinds = readKinds();
  const modules = [...new Set(kinds.map((k) => `${groupModule(k.group)}/${k.version}`))];
  const program = ts.createProgram(
    modules.map((m) => join(typesDir, `${m}.d.ts`)),
    { noEmit: true, target: ts.ScriptTarget.ES2022, types: [] },
  );
  const checker = program.getTypeChecker();

  const defs = {};
  const queue = [];
  const declById = new Map();

  const doc = (node) => {
    const sym = node.name ? checker.getSymbolAtLocation(node.name) : undefined;
    return sym ? ts.displayPartsToString(sym.getDocumentationComment(checker)).trim() : '';
  };
  const moduleOf = (decl) =>
    relative(typesDir, decl.getSourceFile().fileName)
      .replace(/\\/g, '/')
      .replace(/\.d\.ts$/, '');
  const idOf = (decl) => `${defPrefix(moduleOf(decl))}.${decl.name.text}`;
  const ref = (id) => ({ $ref: `_defs.json#/definitions/${id}` });

  function enqueue(decl) {
    const id = idOf(decl);
    if (!declById.has(id)) {
      declById.set(id, decl);
      queue.push(id);
    }
    return id;
  }

  function resolveDecl(typeName) {
    let sym = checker.getSymbolAtLocation(typeName);
    if (!sym) throw new Error(`unresolved type ${typeName.getText()}`);
    if (sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    const decl = sym.declarations?.[0];
    if (!decl) throw new Error(`no declaration for ${typeName.getText()}`);
    return decl;
  }

  function typeSchema(node, fieldKey) {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: 'string' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.NumberKeyword:
        return { type: FLOAT_FIELDS.has(fieldKey) ? 'number' : 'integer' };
      case ts.SyntaxKind.LiteralType:
        if (ts.isStringLiteral(node.literal)) return { type: 'string' };
        break;
      case ts.SyntaxKind.UnionType: {
        const kinds = node.types.map((t) => t.kind).sort();
        if (kinds.length === 2 && kinds[0] === ts.SyntaxKind.NumberKeyword && kinds[1] === ts.SyntaxKind.StringKeyword)
          return ref(INT_OR_STRING);
        break;
      }
      case ts.SyntaxKind.TypeLiteral: {
        const idx = node.members.find((m) => ts.isIndexSignatureDeclaration(m));
        if (idx && node.members.length === 1) return { type: 'object', additionalProperties: typeSchema(idx.type, fieldKey) };
        break;
      }
      case ts.SyntaxKind.TypeReference: {
        const name = node.typeName.getText();
        if (name === 'Array' && node.typeArguments?.length === 1)
          return { type: 'array', items: typeSchema(node.typeArguments[0], fieldKey) };
        return ref(enqueue(resolveDecl(node.typeName)));
      }
    }
    throw new Error(`unsupported type ${ts.SyntaxKind[node.kind]} "${node.getText()}" at ${fieldKey}`);
  }

  function defSchema(id, decl) {
    const description = doc(decl);
    if (ts.isTypeAliasDeclaration(decl)) {
      if (id === 'io.k8s.apimachinery.pkg.api.resource.Quantity')
        return { description, type: ['string', 'number'], pattern: QUANTITY_PATTERN };
      if (decl.type.kind === ts.SyntaxKind.StringKeyword) return { description, type: 'string' };
      throw new Error(`unsupported alias ${id}`);
    }
    if (!ts.isInterfaceDeclaration(decl)) throw new Error(`unsupported declaration for ${id}`);
    if (decl.members.length === 0) return { description, 'x-kubernetes-preserve-unknown-fields': true }; // any JSON
    const properties = {};
    const required = [];
    for (const m of decl.members) {
      if (!ts.isPropertySignature(m) || !m.type) throw new Error(`unsupported member in ${id}`);
      const name = m.name.text ?? m.name.getText();
      const key = `${id}.${name}`;
      let s = typeSchema(m.type, key);
      const values = ENUMS[key];
      if (values) {
        if (s.type === 'array') s = { ...s, items: { ...s.items, enum: values } };
        else s = { ...s, enum: values };
      }
      const d = doc(m);
      // $ref siblings: keep the field's own description next to the reference (explain prints both).
      properties[name] = d ? { description: d, ...s } : s;
      if (!m.questionToken) required.push(name);
    }
    const out = { description, type: 'object', properties, additionalProperties: false };
    if (required.length) out.required = required;
    return out;
  }

  const kindFiles = [];
  for (const k of kinds) {
    const mod = `${groupModule(k.group)}/${k.version}`;
    const sf = program.getSourceFile(join(typesDir, `${mod}.d.ts`));
    const decl = sf?.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === k.kind);
    if (!decl) throw new Error(`interface ${k.kind} not found in ${mod}.d.ts`);
    kindFiles.push({ k, id: enqueue(decl) });
  }
  defs[INT_OR_STRING] = {
    description:
      'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    type: ['integer', 'string'],
  };
  while (queue.length) {
    const id = queue.shift();
    defs[id] = defSchema(id, declById.get(id));
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
