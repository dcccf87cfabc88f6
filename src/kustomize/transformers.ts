// kustomize's built-in transformers over a list of resources, in the order kusttarget runs them (the patch
// transformers are in patches.ts, replacements in replacements.ts). Each mutates the resources it is given.
import { COMMON_ANNOTATIONS, COMMON_LABELS, IMAGES, NAMESPACE, REPLICAS, TEMPLATE_LABELS, type FieldSpec } from './fieldspecs.js';
import {
  curId,
  gvkOf,
  isClusterScoped,
  isMap,
  nameOf,
  setName,
  setNamespace,
  storePreviousId,
  type JsonMap,
  type Res,
} from './resource.js';
import { applySpecs } from './walk.js';

export function namespaceTransform(resources: Res[], ns: string): void {
  for (const r of resources) {
    const gvk = gvkOf(r.obj);
    const before = curId(r);
    if (!isClusterScoped(gvk)) setNamespace(r, ns);
    // a v1 Namespace object is renamed to the namespace (upstream's namespace field spec)
    const specs = NAMESPACE.filter((fs) => fs.path !== 'metadata/name' || r.obj.apiVersion === 'v1');
    applySpecs(r.obj, specs, (parent, key) => {
      parent[key] = ns;
    });
    if ((gvk.kind === 'RoleBinding' || gvk.kind === 'ClusterRoleBinding') && Array.isArray(r.obj.subjects)) {
      for (const s of r.obj.subjects) if (isMap(s) && s.name === 'default') s.namespace = ns;
    }
    const after = curId(r);
    if (after.name !== before.name || after.namespace !== before.namespace) {
      r.prevIds.push({ gvk: before.gvk, name: before.name, namespace: before.namespace === '' ? 'default' : before.namespace });
    }
  }
}

/** namePrefix / nameSuffix: metadata/name of every resource except CRDs and Namespaces' own name is kept?  */
export function affixTransform(resources: Res[], prefix: string, suffix: string): void {
  for (const r of resources) {
    const kind = gvkOf(r.obj).kind;
    // upstream skips CustomResourceDefinitions and Namespaces when prefixing or suffixing
    if (kind === 'CustomResourceDefinition' || kind === 'Namespace') continue;
    storePreviousId(r);
    if (prefix) {
      setName(r, prefix + nameOf(r.obj));
      r.prefixes.push(prefix);
    }
    if (suffix) {
      setName(r, nameOf(r.obj) + suffix);
      r.suffixes.push(suffix);
    }
  }
}

function setMapEntries(specs: readonly FieldSpec[], entries: Record<string, string>, resources: Res[]): void {
  for (const r of resources) {
    applySpecs(r.obj, specs, (parent, key) => {
      let m = parent[key];
      if (!isMap(m)) {
        if (m !== undefined && m !== null) return;
        m = {};
        parent[key] = m;
      }
      Object.assign(m as JsonMap, entries);
    });
  }
}

export interface LabelArgs {
  pairs: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
  fields?: FieldSpec[];
}

export function labelTransform(resources: Res[], label: LabelArgs): void {
  let specs: FieldSpec[] = [...(label.fields ?? [])];
  if (label.includeSelectors) specs.push(...COMMON_LABELS);
  else {
    if (label.includeTemplates) specs.push(...TEMPLATE_LABELS);
    specs.push({ path: 'metadata/labels', create: true });
  }
  specs = dedupeSpecs(specs);
  setMapEntries(specs, label.pairs, resources);
}

export const commonLabelsTransform = (resources: Res[], labels: Record<string, string>): void => setMapEntries(COMMON_LABELS, labels, resources);

export const annotationsTransform = (resources: Res[], annotations: Record<string, string>): void =>
  setMapEntries(COMMON_ANNOTATIONS, annotations, resources);

function dedupeSpecs(specs: FieldSpec[]): FieldSpec[] {
  const seen = new Set<string>();
  return specs.filter((fs) => {
    const k = `${fs.path}|${fs.kind ?? ''}|${fs.group ?? ''}|${fs.version ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export interface ReplicaArgs {
  name: string;
  count: number;
}

export function replicasTransform(resources: Res[], rep: ReplicaArgs): void {
  for (const r of resources) {
    const id = curId(r);
    const org = r.prevIds[0]?.name ?? id.name;
    if (id.name !== rep.name && org !== rep.name) continue;
    applySpecs(r.obj, REPLICAS, (parent, key) => {
      parent[key] = rep.count;
    });
  }
}

export interface ImageArgs {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** name[:tag][@digest], where a registry port (`host:5000/x`) is part of the name */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  const slash = image.indexOf('/');
  const base = slash > 0 ? slash : 0;
  const search = image.slice(base);
  let id = search.indexOf('@');
  let ic = search.indexOf(':');
  if (ic < 0 && id < 0) return { name: image, tag: '', digest: '' };
  if (id >= 0 && (id < ic || ic < 0)) {
    id += base;
    return { name: image.slice(0, id), tag: '', digest: image.slice(id + 1) };
  }
  if (id >= 0 && ic >= 0) {
    id += base;
    ic += base;
    return { name: image.slice(0, ic), tag: image.slice(ic + 1, id), digest: image.slice(id + 1) };
  }
  ic += base;
  return { name: image.slice(0, ic), tag: image.slice(ic + 1), digest: '' };
}

function newImage(value: string, img: ImageArgs, matcher: RegExp): string | undefined {
  if (!matcher.test(value)) return undefined;
  let { name, tag, digest } = splitImage(value);
  if (img.newName) name = img.newName;
  if (img.newTag && img.digest) {
    tag = img.newTag;
    digest = img.digest;
  } else if (img.newTag) {
    tag = img.newTag;
    digest = '';
  } else if (img.digest) {
    tag = '';
    digest = img.digest;
  } else if (img.tagSuffix) {
    tag += img.tagSuffix;
    digest = '';
  }
  return name + (tag ? `:${tag}` : '') + (digest ? `@${digest}` : '');
}

export function imagesTransform(resources: Res[], img: ImageArgs): void {
  // upstream builds this regex from the name unescaped; names are plain in practice, so escaping changes nothing real
  const matcher = new RegExp(`^${escapeRegex(img.name)}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`);
  const update = (c: unknown): void => {
    if (!isMap(c) || typeof c.image !== 'string') return;
    const v = newImage(c.image, img, matcher);
    if (v !== undefined) c.image = v;
  };
  for (const r of resources) {
    if (gvkOf(r.obj).kind === 'CustomResourceDefinition') continue;
    // every `containers` / `initContainers` list anywhere in the object (upstream's legacy filter)...
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (isMap(node)) {
        for (const [k, v] of Object.entries(node)) {
          walk(v);
          if ((k === 'containers' || k === 'initContainers') && Array.isArray(v)) v.forEach(update);
        }
      }
    };
    walk(r.obj);
    // ...then the field specs (the same places for built-in kinds)
    applySpecs(r.obj, IMAGES, (parent, key) => {
      if (typeof parent[key] !== 'string') return;
      const v = newImage(parent[key] as string, img, matcher);
      if (v !== undefined) parent[key] = v;
    });
  }
}
