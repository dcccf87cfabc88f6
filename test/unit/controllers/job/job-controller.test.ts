import { describe, expect, it } from 'vitest';
import { KEY, condTypes, job, setup } from './harness.js';

describe('JobController: completions and parallelism', () => {
  it('creates parallelism pods from the template, labelled and tracked, then writes nothing on a second pass', async () => {
    const h = setup();
    const created = await h.store.create(job({ completions: 3, parallelism: 2 }));
    expect(created.spec!.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': created.metadata.uid } });
    await h.jc.reconcile(KEY);
    const pods = await h.pods();
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.generateName).toBe('pi-');
      expect(p.metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
      expect(p.metadata.labels).toEqual({
        'batch.kubernetes.io/controller-uid': created.metadata.uid,
        'batch.kubernetes.io/job-name': 'pi',
        'controller-uid': created.metadata.uid,
        'job-name': 'pi',
      });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: created.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    const j = await h.getJob();
    expect(j.status).toEqual({ active: 2, ready: 0, terminating: 0, startTime: '2026-01-01T00:00:00Z', uncountedTerminatedPods: {} });
    expect(await h.writes(() => h.jc.reconcile(KEY))).toBe(0);
  });

  it('never runs more than parallelism, never more than remain, and ends SuccessCriteriaMet then Complete', async () => {
    const h = setup();
    await h.store.create(job({ completions: 3, parallelism: 2 }));
    await h.settle();
    for (const p of await h.pods()) await h.run(p.metadata.name);
    await h.settle();
    expect((await h.getJob()).status!.ready).toBe(2);
    const [a, b] = await h.pods();
    await h.finish(a!.metadata.name);
    h.clock.advance(1000);
    await h.settle();
    expect(await h.active()).toHaveLength(2); // one left running + one replacement (only 1 more needed after it)
    let j = await h.getJob();
    expect(j.status!.succeeded).toBe(1);
    expect((await h.store.get({ resource: 'pods', namespace: 'default', name: a!.metadata.name })).metadata.finalizers).toBeUndefined();
    await h.finish(b!.metadata.name);
    await h.settle();
    expect(await h.active()).toHaveLength(1);
    const last = (await h.active())[0]!;
    h.clock.advance(4000);
    await h.finish(last.metadata.name);
    await h.settle();
    j = await h.getJob();
    expect(condTypes(j)).toEqual(['SuccessCriteriaMet=True:CompletionsReached', 'Complete=True:CompletionsReached']);
    expect(j.status!.conditions![1]!.message).toBe('Reached expected number of succeeded pods');
    expect(j.status).toMatchObject({ succeeded: 3, ready: 0, terminating: 0, completionTime: '2026-01-01T00:00:05Z', uncountedTerminatedPods: {} });
    expect(j.status!.active).toBeUndefined();
    expect((await h.pods()).length).toBe(3);
    expect((await h.pods()).every((p) => !p.metadata.finalizers)).toBe(true);
    expect(await h.eventReasons()).toContain('Completed: Job completed');
    expect(await h.writes(() => h.jc.reconcile(KEY))).toBe(0);
  });

  it('completions unset: the first success ends the Job once the others finish', async () => {
    const h = setup();
    await h.store.create(job({ parallelism: 2 }));
    await h.settle();
    const [a, b] = await h.pods();
    await h.finish(a!.metadata.name);
    await h.settle();
    expect(await h.active()).toHaveLength(1); // nothing new after a success
    expect(condTypes(await h.getJob())).toEqual([]);
    await h.finish(b!.metadata.name);
    await h.settle();
    expect(condTypes(await h.getJob())).toEqual(['SuccessCriteriaMet=True:CompletionsReached', 'Complete=True:CompletionsReached']);
  });

  it('counts a finished pod once even when a pass died after recording it as uncounted', async () => {
    const h = setup();
    await h.store.create(job({ completions: 2, parallelism: 1 }));
    await h.settle();
    const [a] = await h.pods();
    await h.finish(a!.metadata.name);
    // what a pass killed between its two writes leaves: the pod in uncountedTerminatedPods, its finalizer kept
    const j = await h.getJob();
    await h.store.updateStatus({ ...j, status: { ...j.status, uncountedTerminatedPods: { succeeded: [a!.metadata.uid!] } } });
    await h.settle();
    const after = await h.getJob();
    expect(after.status!.succeeded).toBe(1);
    expect(after.status!.uncountedTerminatedPods).toEqual({});
    expect(await h.active()).toHaveLength(1);
  });
});

describe('JobController: failures', () => {
  it('backs off before replacing a failed pod (10 s doubling) and fails with BackoffLimitExceeded past backoffLimit', async () => {
    const h = setup();
    await h.store.create(job({ backoffLimit: 1 }));
    await h.settle();
    const [a] = await h.pods();
    await h.finish(a!.metadata.name, 1);
    const r = await h.settle();
    expect(r.requeueAfterMs).toBe(10_000);
    expect(await h.active()).toHaveLength(0);
    expect((await h.getJob()).status!.failed).toBe(1);
    h.clock.advance(10_001);
    await h.settle();
    const next = await h.active();
    expect(next).toHaveLength(1);
    await h.finish(next[0]!.metadata.name, 2);
    await h.settle();
    const j = await h.getJob();
    expect(condTypes(j)).toEqual(['FailureTarget=True:BackoffLimitExceeded', 'Failed=True:BackoffLimitExceeded']);
    expect(j.status!.conditions![1]!.message).toBe('Job has reached the specified backoff limit');
    expect(j.status!.failed).toBe(2);
    expect(j.status!.completionTime).toBeUndefined();
    expect(await h.eventReasons()).toContain('BackoffLimitExceeded: Job has reached the specified backoff limit');
    expect(await h.writes(() => h.jc.reconcile(KEY))).toBe(0);
  });

  it('OnFailure: container restarts count toward backoffLimit', async () => {
    const h = setup();
    const j0 = job({ backoffLimit: 2 });
    j0.spec!.template.spec!.restartPolicy = 'OnFailure';
    await h.store.create(j0);
    await h.settle();
    const [a] = await h.pods();
    await h.run(a!.metadata.name);
    const p = await h.store.get({ resource: 'pods', namespace: 'default', name: a!.metadata.name });
    const st = structuredClone((p as typeof a)!.status!);
    st.containerStatuses![0]!.restartCount = 2;
    await h.store.updateStatus({ ...p, status: st });
    await h.settle();
    await h.reap();
    await h.settle();
    expect(condTypes(await h.getJob())).toEqual(['FailureTarget=True:BackoffLimitExceeded', 'Failed=True:BackoffLimitExceeded']);
    expect(await h.pods()).toHaveLength(0);
  });

  it('activeDeadlineSeconds: requeues for the deadline, then terminates the running pods (DeadlineExceeded)', async () => {
    const h = setup();
    await h.store.create(job({ activeDeadlineSeconds: 5 }));
    const r = await h.settle();
    expect(r.requeueAfterMs).toBe(5000);
    const [a] = await h.pods();
    await h.run(a!.metadata.name);
    h.clock.advance(5000);
    await h.settle();
    let j = await h.getJob();
    expect(condTypes(j)).toEqual(['FailureTarget=True:DeadlineExceeded']);
    await h.reap();
    await h.settle();
    j = await h.getJob();
    expect(condTypes(j)).toEqual(['FailureTarget=True:DeadlineExceeded', 'Failed=True:DeadlineExceeded']);
    expect(j.status!.conditions![1]!.message).toBe('Job was active longer than specified deadline');
    expect(j.status!.failed).toBe(1);
    expect(await h.pods()).toHaveLength(0);
  });

  it('podFailurePolicy: FailJob on an exit code fails the Job with the rule in the message; Ignore does not count', async () => {
    const h = setup();
    const policy = {
      rules: [
        { action: 'Ignore', onExitCodes: { operator: 'In', values: [3] } },
        { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      ],
    };
    await h.store.create(job({ backoffLimit: 0, podFailurePolicy: policy }));
    await h.settle();
    await h.finish((await h.pods())[0]!.metadata.name, 3);
    await h.settle();
    expect((await h.getJob()).status!.failed ?? 0).toBe(0);
    expect(await h.active()).toHaveLength(1); // replaced at once: an ignored failure is no back-off
    await h.finish((await h.active())[0]!.metadata.name, 42);
    await h.settle();
    const j = await h.getJob();
    expect(condTypes(j)).toEqual(['FailureTarget=True:PodFailurePolicy', 'Failed=True:PodFailurePolicy']);
    expect(j.status!.conditions![1]!.message).toMatch(/^Container main for pod default\/pi-p\d+ failed with exit code 42 matching FailJob rule at index 1$/);
  });
});

describe('JobController: Indexed', () => {
  it('gives each pod its index (annotation, label, env, hostname, name) and reports completedIndexes', async () => {
    const h = setup();
    await h.store.create(job({ completions: 5, parallelism: 5, completionMode: 'Indexed' }));
    await h.settle();
    const pods = await h.pods();
    expect(pods.map((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index']).sort()).toEqual(['0', '1', '2', '3', '4']);
    const p2 = pods.find((p) => p.metadata.labels!['batch.kubernetes.io/job-completion-index'] === '2')!;
    expect(p2.metadata.generateName).toBe('pi-2-');
    expect(p2.spec!.hostname).toBe('pi-2');
    expect(p2.spec!.containers[0]!.env).toEqual([
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
    ]);
    const byIx = (i: number) => pods.find((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index'] === String(i))!;
    for (const i of [0, 1, 2, 4]) await h.finish(byIx(i).metadata.name);
    await h.settle();
    let j = await h.getJob();
    expect(j.status!.completedIndexes).toBe('0-2,4');
    expect(j.status!.succeeded).toBe(4);
    await h.finish(byIx(3).metadata.name, 1);
    h.clock.advance(10_001);
    await h.settle();
    const again = await h.active();
    expect(again.map((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index'])).toEqual(['3']);
    await h.finish(again[0]!.metadata.name);
    await h.settle();
    j = await h.getJob();
    expect(j.status!.completedIndexes).toBe('0-4');
    expect(condTypes(j)).toEqual(['SuccessCriteriaMet=True:CompletionsReached', 'Complete=True:CompletionsReached']);
  });

  it('successPolicy: the Job succeeds once the rule matches; the rest are terminated', async () => {
    const h = setup();
    await h.store.create(job({ completions: 3, parallelism: 3, completionMode: 'Indexed', successPolicy: { rules: [{ succeededIndexes: '0' }] } }));
    await h.settle();
    const p0 = (await h.pods()).find((p) => p.metadata.annotations!['batch.kubernetes.io/job-completion-index'] === '0')!;
    await h.finish(p0.metadata.name);
    await h.settle();
    await h.reap();
    await h.settle();
    const j = await h.getJob();
    expect(condTypes(j)).toEqual(['SuccessCriteriaMet=True:SuccessPolicy', 'Complete=True:SuccessPolicy']);
    expect(j.status!.conditions![1]!.message).toBe('Matched rules at index 0');
    expect(j.status!.completedIndexes).toBe('0');
  });
});

describe('JobController: suspend', () => {
  it('removes the pods and sets Suspended; resuming resets startTime', async () => {
    const h = setup();
    await h.store.create(job({ completions: 2, parallelism: 2 }));
    await h.settle();
    const j = await h.getJob();
    await h.store.update({ ...j, spec: { ...j.spec!, suspend: true } });
    await h.settle();
    await h.reap();
    await h.settle();
    let s = await h.getJob();
    expect(condTypes(s)).toEqual(['Suspended=True:JobSuspended']);
    expect(await h.pods()).toHaveLength(0);
    expect(s.status!.failed ?? 0).toBe(0);
    h.clock.advance(60_000);
    await h.store.update({ ...s, spec: { ...s.spec!, suspend: false } });
    await h.settle();
    s = await h.getJob();
    expect(condTypes(s)).toEqual(['Suspended=False:JobResumed']);
    expect(s.status!.startTime).toBe('2026-01-01T00:01:00Z');
    expect(await h.active()).toHaveLength(2);
  });
});

describe('JobController: orphans', () => {
  it('releases the tracking finalizer of a pod whose Job is gone', async () => {
    const h = setup();
    await h.store.create(job());
    await h.settle();
    const [a] = await h.pods();
    await h.store.delete({ resource: 'jobs', namespace: 'default', name: 'pi' });
    await h.store.delete({ resource: 'pods', namespace: 'default', name: a!.metadata.name });
    const keys = h.jc.keysFor({ type: 'MODIFIED', object: await h.store.get({ resource: 'pods', namespace: 'default', name: a!.metadata.name }), revision: 0 });
    expect(keys).toContain(`pods/default/${a!.metadata.name}`);
    await h.jc.reconcile(`pods/default/${a!.metadata.name}`);
    await h.reap();
    expect(await h.pods()).toHaveLength(0);
  });
});
