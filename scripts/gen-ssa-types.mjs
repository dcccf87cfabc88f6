#!/usr/bin/env node
// Dev tool (output committed): the structured-merge-diff type model of every kind kctl knows, converted from the
// vendored upstream 1.32 swagger (scripts/upstream/) by kube-openapi's schemaconv rules, into
// src/apply/server-side/types-data.json. Server-side apply reads it (src/apply/server-side/schema.ts).
//
// Rules (k8s.io/kube-openapi pkg/schemaconv): a list's relationship comes from x-kubernetes-list-type
// (atomic | set | map with x-kubernetes-list-map-keys); without one, x-kubernetes-patch-strategy "merge" makes it
// a map keyed by x-kubernetes-patch-merge-key (or a set without a key); otherwise atomic. A struct is granular
// unless x-kubernetes-map-type: atomic (on the definition, or on the property referring to it); a map
// (additionalProperties) likewise. An object without properties or additionalProperties is untyped (deduced).
//
// Compact encoding of a type reference:
//   "s"                          scalar
//   "d"                          untyped (deduced: maps granular, lists atomic)
//   "<definition name>"          a struct (see `types`)
//   ["l", rel, elem, keys?]      list: rel "a" atomic | "s" set | "m" map; keys for "m"
//   ["m", elem, atomic?]         map with additionalProperties of type elem
//   ["@", ref]                   struct ref made atomic by the property
//   ["~", ref]                   struct ref made granular by the property
// A struct definition: {"f": {field: typeRef}, "a": 1 if atomic}.
// kinds: "group/version/Kind" -> definition name.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readKinds, readSpec } from './gen-schemas.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const REF = '#/definitions/';
// List-map keys with a schema default (upstream's +default tags, absent from the v2 swagger): SMD uses them for
// elements that omit the key (ports without protocol are k:{"containerPort":80,"protocol":"TCP"}).
const KEY_DEFAULTS = { 'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' }, 'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' } };

const spec = readSpec();
const defs = spec.definitions;
const out = {};
const queue = [];
const want = (name) => {
  if (!(name in out)) {
    out[name] = null;
    queue.push(name);
  }
  return name;
};

const isUntypedObject = (s) => !s.properties && !s.additionalProperties && (s.type === 'object' || s.type === undefined);

function typeRef(s) {
  if (s.$ref) {
    const name = s.$ref.slice(REF.length);
    const d = defs[name];
    if (!d.properties && d.type !== 'object') return 's'; // Quantity, IntOrString, Time...: strings
    if (isUntypedObject(d)) return 'd';
    want(name);
    if (s['x-kubernetes-map-type'] === 'atomic' && d['x-kubernetes-map-type'] !== 'atomic') return ['@', name];
    if (s['x-kubernetes-map-type'] === 'granular' && d['x-kubernetes-map-type'] === 'atomic') return ['~', name];
    return name;
  }
  if (s.allOf?.length === 1) return typeRef({ ...s, ...s.allOf[0], allOf: undefined });
  if (s.type === 'array') {
    const elem = typeRef(s.items ?? {});
    const lt = s['x-kubernetes-list-type'];
    const strategy = s['x-kubernetes-patch-strategy'] ?? '';
    if (lt === 'map') return ['l', 'm', elem, s['x-kubernetes-list-map-keys']];
    if (lt === 'set') return ['l', 's', elem];
    if (lt === 'atomic') return ['l', 'a', elem];
    if (strategy.split(',').includes('merge')) {
      const key = s['x-kubernetes-patch-merge-key'];
      return key ? ['l', 'm', elem, [key]] : ['l', 's', elem];
    }
    return ['l', 'a', elem];
  }
  if (s.type === 'object' || s.additionalProperties) {
    if (s.properties) throw new Error('inline struct not expected');
    if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      const elem = typeRef(s.additionalProperties);
      return s['x-kubernetes-map-type'] === 'atomic' ? ['m', elem, 1] : ['m', elem];
    }
    return 'd';
  }
  return 's';
}

const kinds = {};
for (const k of readKinds()) {
  const name = Object.keys(defs).find((n) =>
    (defs[n]['x-kubernetes-group-version-kind'] ?? []).some((g) => g.group === k.group && g.version === k.version && g.kind === k.kind),
  );
  if (!name) continue;
  kinds[`${k.group}/${k.version}/${k.kind}`] = want(name);
}
while (queue.length) {
  const name = queue.shift();
  const d = defs[name];
  const f = {};
  for (const [field, s] of Object.entries(d.properties ?? {})) f[field] = typeRef(s);
  out[name] = d['x-kubernetes-map-type'] === 'atomic' ? { f, a: 1 } : { f };
  if (KEY_DEFAULTS[name]) out[name].k = KEY_DEFAULTS[name];
}
const sorted = Object.fromEntries(Object.keys(out).sort().map((n) => [n, out[n]]));
const file = join(root, 'src/apply/server-side/types-data.json');
writeFileSync(file, `${JSON.stringify({ kinds, types: sorted })}\n`);
console.log(`${file}: ${Object.keys(kinds).length} kinds, ${Object.keys(sorted).length} types`);
