// spec.podFailurePolicy (upstream pkg/controller/job/pod_failure_policy.go): the first rule that matches a failed
// pod decides — FailJob (the Job fails with a message naming the container/condition), Ignore (not counted toward
// backoffLimit), Count (counted, the default when nothing matches), FailIndex (counted; the index fails). Pure.
import type { Pod } from '../../api/types.js';

export type PodFailurePolicyAction = 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';

export interface PodFailurePolicyRule {
  action: string;
  onExitCodes?: { containerName?: string; operator: string; values: number[] };
  onPodConditions?: { type: string; status?: string }[];
}

export interface PodFailurePolicy {
  rules: PodFailurePolicyRule[];
}

export interface PolicyMatch {
  /** set when the Job must fail (FailJob) */
  failJobMessage?: string;
  /** whether the failure counts toward backoffLimit */
  countFailed: boolean;
  /** the matching rule's action; undefined when no rule matched */
  action?: PodFailurePolicyAction;
}

type PodLike = Pick<Pod, 'metadata' | 'status'>;
type ContainerStatus = NonNullable<NonNullable<Pod['status']>['containerStatuses']>[number];

function matchOnExitCodes(pod: PodLike, req: NonNullable<PodFailurePolicyRule['onExitCodes']>): ContainerStatus | undefined {
  const lists = [pod.status?.containerStatuses ?? [], pod.status?.initContainerStatuses ?? []];
  for (const list of lists) {
    for (const cs of list) {
      const t = cs.state?.terminated;
      if (!t || t.exitCode === 0) continue;
      if (req.containerName && req.containerName !== cs.name) continue;
      const inValues = req.values.includes(t.exitCode);
      if ((req.operator === 'In' && inValues) || (req.operator === 'NotIn' && !inValues)) return cs;
    }
  }
  return undefined;
}

function matchOnPodConditions(pod: PodLike, patterns: NonNullable<PodFailurePolicyRule['onPodConditions']>): string | undefined {
  for (const pat of patterns) {
    for (const c of pod.status?.conditions ?? []) if (c.type === pat.type && c.status === (pat.status ?? 'True')) return c.type;
  }
  return undefined;
}

/** upstream matchPodFailurePolicy. */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: PodLike): PolicyMatch {
  if (!policy) return { countFailed: true };
  const podName = `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
  for (const [index, rule] of policy.rules.entries()) {
    const action = rule.action as PodFailurePolicyAction;
    if (rule.onExitCodes) {
      const cs = matchOnExitCodes(pod, rule.onExitCodes);
      if (!cs) continue;
      if (action === 'FailJob') {
        const code = cs.state!.terminated!.exitCode;
        return { countFailed: true, action, failJobMessage: `Container ${cs.name} for pod ${podName} failed with exit code ${code} matching FailJob rule at index ${index}` };
      }
      return { countFailed: action !== 'Ignore', action };
    }
    if (rule.onPodConditions) {
      const type = matchOnPodConditions(pod, rule.onPodConditions);
      if (!type) continue;
      if (action === 'FailJob') return { countFailed: true, action, failJobMessage: `Pod ${podName} has condition ${type} matching FailJob rule at index ${index}` };
      return { countFailed: action !== 'Ignore', action };
    }
  }
  return { countFailed: true };
}
