import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR_URL, explain, wrap } from '../../../src/api/explain.js';

const readSchema = (f: string) => readFileSync(new URL(f, SCHEMAS_DIR_URL), 'utf8');

describe('explain', () => {
  it('prints a field with its type, description and sub-fields (kubectl explain deployment.spec.strategy)', async () => {
    expect(await explain('deployment.spec.strategy', { readSchema })).toBe(
      [
        'GROUP:      apps',
        'KIND:       Deployment',
        'VERSION:    v1',
        '',
        'FIELD: strategy <DeploymentStrategy>',
        '',
        '',
        'DESCRIPTION:',
        '    The deployment strategy to use to replace existing pods with new ones.',
        '    DeploymentStrategy describes how to replace existing pods with new ones.',
        'FIELDS:',
        '  rollingUpdate\t<RollingUpdateDeployment>',
        '    Rolling update config params. Present only if DeploymentStrategyType =',
        '    RollingUpdate.',
        '',
        '  type\t<string>',
        '  enum: Recreate, RollingUpdate',
        '    Type of deployment. Can be "Recreate" or "RollingUpdate". Default is',
        '    RollingUpdate.',
        '',
        '',
        '',
      ].join('\n'),
    );
  });

  it('prints the long enum form for a single field, and no GROUP for core kinds', async () => {
    const out = await explain('po.spec.containers.imagePullPolicy', { readSchema });
    expect(out.startsWith('KIND:       Pod\nVERSION:    v1\n\nFIELD: imagePullPolicy <string>\nENUM:\n    Always\n    IfNotPresent\n    Never\n\nDESCRIPTION:\n    Image pull policy.')).toBe(true);
  });

  it('describes a resource: its description and top-level fields, with -required- markers', async () => {
    const out = await explain('deployments', { readSchema });
    expect(out).toContain('DESCRIPTION:\n    Deployment enables declarative updates for Pods and ReplicaSets.\nFIELDS:\n  apiVersion\t<string>\n');
    expect(out).toContain('  metadata\t<ObjectMeta>\n');
    expect(out).toContain('  spec\t<DeploymentSpec>\n');
    const spec = await explain('deploy.spec', { readSchema });
    expect(spec).toContain('  selector\t<LabelSelector> -required-\n');
    expect(spec).toContain('  template\t<PodTemplateSpec> -required-\n');
    expect(spec).toContain('  replicas\t<integer>\n');
  });

  it.each([
    ['pods.spec.containers', 'FIELD: containers <[]Container>'],
    ['pods.spec.containers.resources.limits', 'FIELD: limits <map[string]Quantity>'],
    ['svc.spec.ports.targetPort', 'FIELD: targetPort <IntOrString>'],
    ['pods.metadata.labels', 'FIELD: labels <map[string]string>'],
    ['pods.metadata.creationTimestamp', 'FIELD: creationTimestamp <string>'],
    ['controllerrevisions.data', 'FIELD: data <RawExtension>'],
    ['sts.spec.volumeClaimTemplates', 'FIELD: volumeClaimTemplates <[]PersistentVolumeClaim>'],
    ['cj.spec.jobTemplate.spec.template.spec.restartPolicy', 'ENUM:\n    Always\n    Never\n    OnFailure'],
    ['Deployment.spec', 'FIELD: spec <DeploymentSpec>'],
  ])('%s', async (arg, want) => {
    expect(await explain(arg, { readSchema })).toContain(want);
  });

  it('recursive: nested field names and types, indented by level, without descriptions', async () => {
    const out = await explain('svc.spec.sessionAffinityConfig', { readSchema, recursive: true });
    expect(out.slice(out.indexOf('FIELDS:'))).toBe('FIELDS:\n  clientIP\t<ClientIPConfig>\n    timeoutSeconds\t<integer>\n\n');
  });

  it('recursive over a whole kind terminates and covers deep fields', async () => {
    const out = await explain('pod', { readSchema, recursive: true });
    expect(out).toContain('\n      livenessProbe\t<Probe>\n        exec\t<ExecAction>\n          command\t<[]string>\n');
  });

  it.each([
    ['deployment.spec.replica', 'field "replica" does not exist'],
    ['deployment.spec.foo.bar', 'field "bar" does not exist'],
    ['pods.spec.containers.name.x', 'field "x" does not exist'],
    ['widgets', `the server doesn't have a resource type "widgets"`],
  ])('%s -> %s', async (arg, message) => {
    await expect(explain(arg, { readSchema })).rejects.toThrow(message);
  });

  it('checks --api-version against the kind', async () => {
    await expect(explain('deploy', { readSchema, apiVersion: 'apps/v1' })).resolves.toContain('KIND:       Deployment');
    await expect(explain('deploy', { readSchema, apiVersion: 'extensions/v1beta1' })).rejects.toThrow(
      `couldn't find resource for "extensions/v1beta1, Resource=deployments"`,
    );
  });

  it('reads schemas only through the injected reader, and stops on reference cycles', async () => {
    const files: Record<string, unknown> = {
      'core.v1.Namespace.json': { $ref: '_defs.json#/definitions/t.Node' },
      '_defs.json': {
        definitions: {
          't.Node': {
            description: 'A node.',
            type: 'object',
            properties: { next: { description: 'The next node.', $ref: '_defs.json#/definitions/t.Node' }, value: { type: 'string' } },
            required: ['value'],
          },
        },
      },
    };
    const read: string[] = [];
    const fake = async (f: string) => {
      read.push(f);
      return JSON.stringify(files[f]);
    };
    const out = await explain('ns', { readSchema: fake, recursive: true });
    expect(read).toEqual(['core.v1.Namespace.json', '_defs.json']);
    expect(out).toBe(
      'KIND:       Namespace\nVERSION:    v1\n\nDESCRIPTION:\n    A node.\nFIELDS:\n  next\t<Node>\n    next\t<Node>\n    value\t<string> -required-\n  value\t<string> -required-\n\n',
    );
  });
});

describe('wrap (go-wordwrap, as kubectl 1.32)', () => {
  it.each([
    ['short', 10, 'short'],
    ['one two three four', 9, 'one two\nthree\nfour'],
    ['a\nb', 10, 'a b'],
    ['https://example.com/a/very/long/url here', 10, 'https://example.com/a/very/long/url\nhere'],
    ['', 5, ''],
  ])('%j at %d', (s, w, want) => {
    expect(wrap(w, s)).toBe(want);
  });
});
