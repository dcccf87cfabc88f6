// GET /api/v1/namespaces/NS/pods/NAME/log: a container's log as text/plain, streamed (follow) until the
// container stops or the client goes. The options are PodLogOptions (container, follow, tailLines,
// sinceSeconds, sinceTime, timestamps, previous, limitBytes), checked as upstream's ValidatePodLogOptions;
// which container's log is read follows the kubelet (kubelet/container-logs.ts), as `kctl logs` does.
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, Pod } from '../../api/types.js';
import type { ContainerManager } from '../../runtime/containers.js';
import { logContainerId } from '../../kubelet/container-logs.js';
import { isRuntimeNotFound } from '../../runtime/runtime.js';
import { KctlError } from '../../util/errors.js';
import { StreamRequestError, badRequest, podNotFound, queryBool, writeError } from './http-status.js';
import { requestContainer } from './pod-container.js';

/** a stored pod */
export type StreamPod = Pod & KubeObject;

export interface PodGetter {
  /** the pod, undefined when absent */
  getPod(namespace: string, name: string): Promise<StreamPod | undefined>;
}

export interface LogDeps extends PodGetter {
  runtime: Pick<ContainerManager, 'logs' | 'listContainers'>;
  now?: () => Date;
}

export interface PodLogOptions {
  container?: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: Date;
  limitBytes?: number;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function invalid(pod: string, causes: string[]): StreamRequestError {
  return new StreamRequestError(422, `PodLogOptions "${pod}" is invalid: ${causes.length > 1 ? `[${causes.join(', ')}]` : causes[0]}`, {
    name: pod,
    kind: 'PodLogOptions',
  });
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** The query of a log request as PodLogOptions; 422 as upstream's validation. */
export function parsePodLogOptions(q: URLSearchParams, pod: string): PodLogOptions {
  const o: PodLogOptions = { follow: queryBool(q, 'follow'), previous: queryBool(q, 'previous'), timestamps: queryBool(q, 'timestamps') };
  const container = q.get('container');
  if (container) o.container = container;
  const tailLines = intParam(q, 'tailLines');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const limitBytes = intParam(q, 'limitBytes');
  const sinceTimeText = q.get('sinceTime');
  let sinceTime: Date | undefined;
  if (sinceTimeText) {
    if (!RFC3339.test(sinceTimeText) || Number.isNaN(Date.parse(sinceTimeText)))
      throw badRequest(`parsing time ${JSON.stringify(sinceTimeText)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(sinceTimeText)} as RFC3339`);
    sinceTime = new Date(sinceTimeText);
  }
  const causes: string[] = [];
  if (tailLines !== undefined && tailLines < 0) causes.push(`tailLines: Invalid value: ${tailLines}: must be greater than or equal to 0`);
  if (limitBytes !== undefined && limitBytes < 1) causes.push(`limitBytes: Invalid value: ${limitBytes}: must be greater than 0`);
  if (sinceSeconds !== undefined && sinceTime) causes.push('<nil>: Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  else if (sinceSeconds !== undefined && sinceSeconds < 1) causes.push(`sinceSeconds: Invalid value: ${sinceSeconds}: must be greater than 0`);
  if (causes.length) throw invalid(pod, causes);
  if (tailLines !== undefined) o.tailLines = tailLines;
  if (sinceSeconds !== undefined) o.sinceSeconds = sinceSeconds;
  if (sinceTime) o.sinceTime = sinceTime;
  if (limitBytes !== undefined) o.limitBytes = limitBytes;
  return o;
}

/** Serves one log request; never throws (errors become Status answers, or end a stream already started). */
export async function handleLog(req: IncomingMessage, res: ServerResponse, namespace: string, name: string, deps: LogDeps): Promise<void> {
  const ac = new AbortController();
  const onClose = (): void => ac.abort();
  res.on('close', onClose);
  try {
    const q = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const o = parsePodLogOptions(q, name);
    const pod = await deps.getPod(namespace, name);
    if (!pod) throw podNotFound(name);
    const container = requestContainer(pod, o.container);
    let id: string | undefined;
    try {
      id = await logContainerId(async () => deps.runtime, pod, container, o.previous);
    } catch (e) {
      if (e instanceof KctlError) throw badRequest(e.message);
      throw e;
    }
    const now = deps.now ?? (() => new Date());
    const since = o.sinceTime ?? (o.sinceSeconds !== undefined ? new Date(now().getTime() - o.sinceSeconds * 1000) : undefined);
    const lines = id
      ? deps.runtime.logs(id, {
          follow: o.follow,
          timestamps: o.timestamps,
          signal: ac.signal,
          ...(o.tailLines !== undefined ? { tail: o.tailLines } : {}),
          ...(since ? { since } : {}),
        })
      : undefined;
    await streamLines(res, lines, o, ac.signal, { container, pod: name, previous: o.previous });
  } catch (e) {
    if (res.headersSent) res.destroy();
    else writeError(res, e instanceof StreamRequestError ? e : new StreamRequestError(500, (e as Error).message));
  } finally {
    res.off('close', onClose);
  }
}

async function streamLines(
  res: ServerResponse,
  lines: AsyncIterable<string> | undefined,
  o: PodLogOptions,
  signal: AbortSignal,
  what: { container: string; pod: string; previous: boolean },
): Promise<void> {
  const it = lines?.[Symbol.asyncIterator]();
  // the first line (or the end) before the headers, so a container gone from the engine is still a 400
  let first: IteratorResult<string> | undefined;
  if (it) {
    try {
      first = await it.next();
    } catch (e) {
      if (isRuntimeNotFound(e) && what.previous) throw badRequest(`previous terminated container "${what.container}" in pod "${what.pod}" not found`);
      if (isRuntimeNotFound(e)) throw badRequest(`container "${what.container}" in pod "${what.pod}" is not available`);
      throw e;
    }
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'X-Content-Type-Options': 'nosniff' });
  if (o.follow) res.flushHeaders();
  let budget = o.limitBytes ?? Infinity;
  /** false once limitBytes is reached; waits while the client is slow (no unbounded buffering) */
  const write = async (line: string): Promise<boolean> => {
    let b = Buffer.from(`${line}\n`, 'utf8');
    if (b.length > budget) b = b.subarray(0, budget);
    budget -= b.length;
    if (b.length && !res.write(b) && !signal.aborted) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    return budget > 0;
  };
  try {
    if (first && !first.done && (await write(first.value))) {
      for (;;) {
        if (signal.aborted) break;
        const r = await it!.next();
        if (r.done || !(await write(r.value))) break;
      }
    }
  } finally {
    await it?.return?.();
  }
  if (!signal.aborted) res.end();
}
