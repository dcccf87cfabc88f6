// Reads and checks one kustomization file: the names kustomize recognises, its fields (unknown ones refused
// as kustomize refuses them), the deprecation warnings it prints, and kctl's refusals of what it does not run.
import { parseYamlDocuments } from '../manifest/yaml-source.js';
import { KustomizeError, type Loader } from './loader.js';
import { isMap, type JsonMap } from './resource.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

const FIELDS = new Set([
  'apiVersion', 'kind', 'metadata', 'openapi', 'namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'labels',
  'commonAnnotations', 'patchesStrategicMerge', 'patchesJson6902', 'patches', 'images', 'imageTags', 'replacements',
  'replicas', 'vars', 'sortOptions', 'resources', 'components', 'crds', 'bases', 'configMapGenerator', 'secretGenerator',
  'helmGlobals', 'helmCharts', 'helmChartInflationGenerator', 'generatorOptions', 'configurations', 'generators',
  'transformers', 'validators', 'buildMetadata',
]);

/** Fields kctl refuses (one line each, never silently ignored). */
const UNSUPPORTED: Record<string, string> = {
  helmCharts: 'helmCharts (Helm chart inflation) is not supported by kctl: render the chart with `helm template` and list the output under resources',
  helmChartInflationGenerator: 'helmChartInflationGenerator is not supported by kctl: render the chart with `helm template` and list the output under resources',
  helmGlobals: 'helmGlobals (Helm chart inflation) is not supported by kctl',
  generators: 'generators (plugins and KRM functions) are not supported by kctl',
  transformers: 'transformers (plugins and KRM functions) are not supported by kctl',
  validators: 'validators (plugins and KRM functions) are not supported by kctl',
  openapi: 'openapi (custom schemas) is not supported by kctl',
  configurations: 'configurations (custom transformer field specs) are not supported by kctl',
  crds: 'crds (custom resource field specs) are not supported by kctl',
  vars: "vars is not supported by kctl: use 'replacements' instead",
  sortOptions: 'sortOptions is not supported by kctl (the output is in kustomize\'s default legacy order)',
  buildMetadata: 'buildMetadata is not supported by kctl',
};

const DEPRECATED: [string, string][] = [
  ['bases', "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['commonLabels', "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['imageTags', "# Warning: 'imageTags' is deprecated. Please use 'images' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['patchesJson6902', "# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['patchesStrategicMerge', "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['vars', "# Warning: 'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] Run 'kustomize edit fix' to update your Kustomization automatically."],
];

export interface Kustomization {
  /** absolute path of the file */
  file: string;
  /** as kustomize prints its name (kustomization.yaml, ...) */
  fileName: string;
  k: JsonMap;
  isComponent: boolean;
}

export function loadKustomization(ldr: Loader, warn: (msg: string) => void): Kustomization {
  const found = KUSTOMIZATION_FILES.filter((f) => ldr.fs.kind(`${ldr.root}/${f}`) === 'file');
  if (found.length === 0) {
    throw new KustomizeError(`unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${ldr.root}'`);
  }
  if (found.length > 1) throw new KustomizeError(`Found multiple kustomization files under: ${ldr.root}\n`);
  const fileName = found[0]!;
  const file = `${ldr.root}/${fileName}`;
  const text = ldr.fs.readFile(file).toString('utf8');
  const { documents, errors } = parseYamlDocuments(text, file, { schema: 'core' });
  if (errors.length) throw new KustomizeError(errors[0]!.message, errors[0]!.source);
  const docs = documents.filter((d) => !d.empty);
  const value = docs[0]?.value;
  if (value === undefined || value === null) throw new KustomizeError(`${fileName} is empty`);
  if (!isMap(value)) throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type types.Kustomization`);
  const at = (key: string): string | undefined => {
    const p = docs[0]!.locate([key]);
    return p ? `${file}:${p.line}:${p.col}` : file;
  };
  // Go's JSON decoder matches field names case-insensitively when no exact match exists (`nameprefix` works)
  const canonical = new Map([...FIELDS].map((f) => [f.toLowerCase(), f]));
  for (const key of Object.keys(value)) {
    if (FIELDS.has(key)) continue;
    const c = canonical.get(key.toLowerCase());
    if (!c) throw new KustomizeError(`invalid Kustomization: json: unknown field "${key}"`, at(key));
    if (!(c in value)) value[c] = value[key];
    delete value[key];
  }
  for (const [field, msg] of DEPRECATED) if (value[field] !== undefined && value[field] !== null) warn(msg);
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (UNSUPPORTED[key] && v !== null && !(Array.isArray(v) && v.length === 0)) throw new KustomizeError(UNSUPPORTED[key], at(key));
  }
  const kind = value.kind ?? 'Kustomization';
  if (kind !== 'Kustomization' && kind !== 'Component') {
    throw new KustomizeError(`Failed to read kustomization file under ${ldr.root}:\nkind should be Kustomization or Component`);
  }
  const apiVersion = value.apiVersion;
  const required = kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1';
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== required) {
    throw new KustomizeError(`Failed to read kustomization file under ${ldr.root}:\napiVersion for ${kind} should be ${required}`);
  }
  // `bases` are resources; `imageTags` are images
  const k: JsonMap = { ...value };
  if (Array.isArray(k.bases)) k.resources = [...(Array.isArray(k.resources) ? k.resources : []), ...k.bases];
  if (Array.isArray(k.imageTags)) k.images = [...(Array.isArray(k.images) ? k.images : []), ...k.imageTags];
  return { file, fileName, k, isComponent: kind === 'Component' };
}

/** A string-list field; anything else is refused as Go's json decoder would. */
export function strings(k: JsonMap, field: string): string[] {
  const v = k[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${typeof v} into Go struct field Kustomization.${field} of type []string`);
  return v.map((x) => {
    if (typeof x !== 'string') throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${typeof x} into Go struct field Kustomization.${field} of type string`);
    return x;
  });
}

/** A map of strings (labels, annotations); non-string values are turned into strings as YAML wrote them. */
export function stringMap(v: unknown): Record<string, string> {
  if (!isMap(v)) return {};
  const out: Record<string, string> = {};
  for (const [key, x] of Object.entries(v)) out[key] = x === null ? '' : typeof x === 'string' ? x : String(x);
  return out;
}

export function list(k: JsonMap, field: string): JsonMap[] {
  const v = k[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new KustomizeError(`invalid Kustomization: json: cannot unmarshal ${typeof v} into Go struct field Kustomization.${field}`);
  return v.map((x) => (isMap(x) ? x : ({ value: x } as JsonMap)));
}
