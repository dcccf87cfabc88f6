// The OpenAPI v3 documents of the group-versions kctl serves, generated at build time from the vendored upstream
// 1.32 spec by scripts/gen-openapi.mjs into dist/openapi/ (see that script for the layout). The API server serves
// them as they are: GET /openapi/v3 -> openapiV3Index(), GET /openapi/v3/<path> -> openapiV3Document(path), with
// the document's hash as its ETag (upstream's `?hash=` URLs are immutable).
import { readFile } from 'node:fs/promises';

export interface OpenAPIDocument {
  /** "api/v1", "apis/apps/v1" */
  path: string;
  /** the JSON bytes to send */
  body: Buffer;
  /** upper-case hex SHA-512 of body: the ETag and the `hash` query value in the index */
  hash: string;
}

interface Loaded {
  index: Buffer;
  docs: Map<string, OpenAPIDocument>;
}

let loaded: Promise<Loaded> | undefined;

const fileOfPath = (path: string): string => `${path.replace(/\//g, '__')}.json`;

async function load(): Promise<Loaded> {
  const dir = new URL('../openapi/', import.meta.url);
  try {
    const index = await readFile(new URL('index.json', dir));
    const docs = new Map<string, OpenAPIDocument>();
    const paths = (JSON.parse(index.toString('utf8')) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
    for (const [path, { serverRelativeURL }] of Object.entries(paths)) {
      const hash = new URL(serverRelativeURL, 'http://x').searchParams.get('hash') ?? '';
      docs.set(path, { path, hash, body: await readFile(new URL(fileOfPath(path), dir)) });
    }
    return { index, docs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    // no build output next to this module (vitest runs src/): generate in memory. Dev/test only.
    const dev = (await import(new URL('../../scripts/gen-openapi.mjs', import.meta.url).href)) as {
      buildOpenAPI(): { docs: OpenAPIDocument[]; index: Buffer };
    };
    const { docs, index } = dev.buildOpenAPI();
    return { index, docs: new Map(docs.map((d) => [d.path, d])) };
  }
}

const get = (): Promise<Loaded> => (loaded ??= load().catch((e: unknown) => ((loaded = undefined), Promise.reject(e))));

/** The body of GET /openapi/v3: {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}, ...}}. */
export async function openapiV3Index(): Promise<Buffer> {
  return (await get()).index;
}

/** The document of one group-version ("api/v1", "apis/apps/v1"); undefined for a path kctl does not serve. */
export async function openapiV3Document(path: string): Promise<OpenAPIDocument | undefined> {
  return (await get()).docs.get(path.replace(/^\/+|\/+$/g, ''));
}
