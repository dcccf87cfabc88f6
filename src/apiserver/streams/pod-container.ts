// Which container of a pod a streaming request means (the API server's streamLocation / LogLocation).
import type { Pod } from '../../api/types.js';
import { badRequest } from './http-status.js';

const names = (cs: Array<{ name: string }> | undefined): string => (cs ?? []).map((c) => c.name).join(' ');

/**
 * The container a log/exec/attach request names, or the pod's only container; BadRequest with upstream's
 * wording when none is given and there are several, or the name is not the pod's.
 */
export function requestContainer(pod: Pod & { metadata: { name: string } }, requested: string | null | undefined): string {
  const name = pod.metadata.name;
  const spec = pod.spec;
  if (!requested) {
    const cs = spec?.containers ?? [];
    if (cs.length === 1) return cs[0]!.name;
    if (cs.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    let msg = `a container name must be specified for pod ${name}, choose one of: [${names(cs)}]`;
    if ((spec?.initContainers ?? []).length > 0) msg += ` or one of the init containers: [${names(spec?.initContainers)}]`;
    throw badRequest(msg);
  }
  const all = [...(spec?.containers ?? []), ...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])];
  if (!all.some((c) => c.name === requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}
