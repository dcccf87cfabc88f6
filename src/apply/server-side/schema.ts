// The structured-merge-diff type model of kctl's kinds (generated from the upstream 1.32 spec by
// scripts/gen-ssa-types.mjs, which documents the encoding): which maps are structs (named fields), which lists are
// atomic, sets or maps keyed by which fields, which maps and structs are atomic. Kinds without a schema
// (unknown kinds, custom resources) are "deduced", as SMD's DeducedParseableType: maps granular, lists atomic.
import data from './types-data.json' with { type: 'json' };

type Ref = string | readonly unknown[];
interface StructDef {
  f: Record<string, Ref>;
  a?: 1;
  k?: Record<string, unknown>;
}
const TYPES = data.types as unknown as Record<string, StructDef>;
const KINDS = data.kinds as Record<string, string>;

export type Atom =
  | { readonly type: 'scalar' }
  | { readonly type: 'deduced' }
  | {
      readonly type: 'map';
      /** named fields of a struct (undefined for a plain map) */
      readonly fields?: Readonly<Record<string, Ref>>;
      /** element type of a plain map (undefined: deduced) */
      readonly elem?: Ref;
      readonly atomic: boolean;
    }
  | {
      readonly type: 'list';
      readonly elem: Ref;
      readonly rel: 'atomic' | 'set' | 'map';
      readonly keys: readonly string[];
      /** defaults of key fields, from the element type */
      readonly keyDefaults: Readonly<Record<string, unknown>>;
    };

export type TypeRef = Ref;
export const DEDUCED: TypeRef = 'd';

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The atom of a type reference; a deduced type resolves by the value's shape. */
export function resolve(ref: TypeRef, value?: unknown): Atom {
  if (ref === 's') return { type: 'scalar' };
  if (ref === 'd') {
    if (isMap(value)) return { type: 'map', elem: 'd', atomic: false };
    if (Array.isArray(value)) return { type: 'list', elem: 'd', rel: 'atomic', keys: [], keyDefaults: {} };
    return { type: 'scalar' };
  }
  if (typeof ref === 'string') {
    const def = TYPES[ref];
    if (!def) return resolve('d', value);
    return { type: 'map', fields: def.f, atomic: def.a === 1 };
  }
  const [tag, a, b, c] = ref as [string, unknown, unknown, unknown];
  switch (tag) {
    case 'l': {
      const rel = a === 'm' ? 'map' : a === 's' ? 'set' : 'atomic';
      const elem = b as Ref;
      const keyDefaults = typeof elem === 'string' ? (TYPES[elem]?.k ?? {}) : {};
      return { type: 'list', elem, rel, keys: (c as string[] | undefined) ?? [], keyDefaults };
    }
    case 'm':
      return { type: 'map', elem: a as Ref, atomic: b === 1 };
    case '@':
    case '~': {
      const def = TYPES[a as string];
      if (!def) return resolve('d', value);
      return { type: 'map', fields: def.f, atomic: tag === '@' };
    }
    default:
      return resolve('d', value);
  }
}

/** The type of one field of a map atom (named field, else the map's element type, else deduced). */
export function fieldType(atom: Atom, name: string): TypeRef {
  if (atom.type !== 'map') return DEDUCED;
  return atom.fields?.[name] ?? atom.elem ?? DEDUCED;
}

/** True when name is a named field of a struct (SMD's FindField). */
export const isNamedField = (atom: Atom, name: string): boolean => atom.type === 'map' && !!atom.fields && name in atom.fields;

/** The root type of objects of apiVersion/kind ('d' for kinds without a schema). */
export function typeOfKind(apiVersion: string | undefined, kind: string | undefined): TypeRef {
  if (!apiVersion || !kind) return DEDUCED;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return KINDS[`${group}/${version}/${kind}`] ?? DEDUCED;
}
