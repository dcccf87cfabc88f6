#!/usr/bin/env node
// Build step (run by scripts/build.mjs): the OpenAPI v3 documents a 1.32 API server serves at
// /openapi/v3/<api/v1 | apis/GROUP/VERSION>, one per group-version kctl serves (src/api/kinds.ts), converted from
// the vendored upstream 1.32 swagger (scripts/upstream/). Definitions keep upstream's ids and extensions
// (x-kubernetes-group-version-kind, x-kubernetes-patch-merge-key, x-kubernetes-patch-strategy, list types), which
// `kubectl explain`, `kubectl edit` and kubectl's strategic merge patches read.
//
// Output (dist/openapi/):
//   index.json             {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=<SHA512 hex>"}, ...}}
//                          (the body of GET /openapi/v3, as upstream)
//   <path with / as __>.json  the document itself, byte for byte what GET /openapi/v3/<path> returns; its hash is
//                          the upper-case hex SHA-512 of these bytes (upstream's ETag and ?hash= value)
//
// buildOpenAPI() is the in-memory equivalent for unit tests run without a build (src/api/openapi.ts falls back to it).
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readKinds, readSpec } from './gen-schemas.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** "api/v1" or "apis/apps/v1". */
export const gvPath = (group, version) => (group ? `apis/${group}/${version}` : `api/${version}`);
export const fileOfPath = (path) => `${path.replace(/\//g, '__')}.json`;

const V2_REF = '#/definitions/';
const V3_REF = '#/components/schemas/';

/** A v2 schema in v3 form: component refs, and a $ref with siblings wrapped in allOf (as upstream's v3 does). */
function schemaV3(s) {
  if (Array.isArray(s)) return s.map(schemaV3);
  if (typeof s !== 'object' || s === null) return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === '$ref') out.$ref = v.replace(V2_REF, V3_REF);
    else if (k === 'properties' || k === 'patternProperties') out[k] = Object.fromEntries(Object.entries(v).map(([n, p]) => [n, schemaV3(p)]));
    else if (typeof v === 'object' && v !== null && !k.startsWith('x-')) out[k] = schemaV3(v);
    else out[k] = v;
  }
  if (out.$ref && Object.keys(out).length > 1) {
    const { $ref, ...rest } = out;
    return { allOf: [{ $ref }], ...rest };
  }
  return out;
}

function refsIn(v, acc) {
  if (Array.isArray(v)) for (const x of v) refsIn(x, acc);
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string' && x.startsWith(V2_REF)) acc.add(x.slice(V2_REF.length));
      else refsIn(x, acc);
    }
  return acc;
}

/** A v2 operation in v3 form: parameters with schemas, the body as requestBody, responses with content types. */
function operationV3(op, spec) {
  const { parameters = [], responses = {}, produces = [], consumes, schemes, ...rest } = op;
  const out = { ...rest };
  const params = [];
  for (const p0 of parameters) {
    const p = p0.$ref ? spec.parameters[p0.$ref.slice('#/parameters/'.length)] : p0;
    if (p.in === 'body') {
      out.requestBody = { content: { '*/*': { schema: schemaV3(p.schema) } }, ...(p.required ? { required: true } : {}) };
      continue;
    }
    params.push(parameterV3(p));
  }
  if (params.length) out.parameters = params;
  out.responses = Object.fromEntries(
    Object.entries(responses).map(([code, r]) => [
      code,
      r.schema
        ? { description: r.description, content: Object.fromEntries(produces.map((m) => [m, { schema: schemaV3(r.schema) }])) }
        : { description: r.description },
    ]),
  );
  return out;
}

function parameterV3(p) {
  const { name, in: where, description, required, type, uniqueItems, ...extra } = p;
  const schema = { type, ...(uniqueItems ? { uniqueItems } : {}) };
  for (const k of Object.keys(extra)) if (!k.startsWith('x-')) delete extra[k];
  return { name, in: where, ...(description ? { description } : {}), ...(required ? { required } : {}), schema, ...extra };
}

/** The documents for every group-version kctl serves: [{path, body (Buffer), hash}], and the index body. */
export function buildOpenAPI(spec = readSpec(), kinds = readKinds()) {
  const gvs = [...new Map(kinds.map((k) => [gvPath(k.group, k.version), k])).keys()];
  const docs = [];
  for (const path of gvs) {
    const prefix = `/${path}`;
    const paths = {};
    const used = new Set();
    for (const [p, item] of Object.entries(spec.paths)) {
      if (p !== prefix && p !== `${prefix}/` && !p.startsWith(`${prefix}/`)) continue;
      const conv = {};
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') {
          conv.parameters = op.map((x) => parameterV3(x.$ref ? spec.parameters[x.$ref.slice('#/parameters/'.length)] : x));
        } else conv[method] = operationV3(op, spec);
      }
      refsIn(item, used);
      for (const x of item.parameters ?? []) if (x.$ref) refsIn(spec.parameters[x.$ref.slice('#/parameters/'.length)], used);
      for (const op of Object.values(item))
        for (const x of op.parameters ?? []) if (x.$ref) refsIn(spec.parameters[x.$ref.slice('#/parameters/'.length)], used);
      paths[p] = conv;
    }
    // the transitive closure of the definitions the paths use
    const queue = [...used];
    while (queue.length) {
      const id = queue.pop();
      for (const r of refsIn(spec.definitions[id], new Set())) if (!used.has(r)) (used.add(r), queue.push(r));
    }
    const schemas = Object.fromEntries([...used].sort().map((id) => [id, schemaV3(spec.definitions[id])]));
    const doc = {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: 'unversioned' },
      paths,
      components: {
        schemas,
        securitySchemes: { BearerToken: { description: 'Bearer Token authentication', in: 'header', name: 'authorization', type: 'apiKey' } },
      },
      security: [{ BearerToken: [] }],
    };
    const body = Buffer.from(JSON.stringify(doc));
    docs.push({ path, body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() });
  }
  const index = { paths: Object.fromEntries(docs.map((d) => [d.path, { serverRelativeURL: `/openapi/v3/${d.path}?hash=${d.hash}` }])) };
  return { docs, index: Buffer.from(JSON.stringify(index)) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2] ?? join(root, 'dist/openapi');
  const t0 = Date.now();
  const { docs, index } = buildOpenAPI();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const d of docs) writeFileSync(join(outDir, fileOfPath(d.path)), d.body);
  writeFileSync(join(outDir, 'index.json'), index);
  const total = docs.reduce((n, d) => n + d.body.length, 0);
  console.log(`wrote ${docs.length} OpenAPI v3 documents into ${outDir} (${Math.round(total / 1024)} KiB) in ${Date.now() - t0} ms`);
}
