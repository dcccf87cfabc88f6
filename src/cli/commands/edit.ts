// kctl edit TYPE NAME: opens the object as YAML in $KUBE_EDITOR/$EDITOR, then writes back what changed as a
// patch against the current object (so a concurrent change to another field survives).
import type { Command } from 'commander';
import { qualifiedKind } from '../../api/kinds.js';
import type { KubeObject } from '../../api/types.js';
import { isConflict, KctlError, UsageError } from '../../util/errors.js';
import { recordFieldManager } from '../managed-fields.js';
import type { CliContext } from '../context.js';
import { afterMutation } from '../mutation.js';
import { selectObjects } from '../select.js';

export interface EditOptions {
  args: string[];
  saveConfig: boolean;
  editor: string;
}

/** Runs the editor on a file and returns its contents afterwards. Injected so tests can script the edit. */
export type EditorRunner = (editor: string, file: string) => Promise<void>;

const HEADER =
  '# Please edit the object below. Lines beginning with a \'#\' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n';

export async function runEdit(o: EditOptions, ctx: CliContext, runEditor: EditorRunner = spawnEditor): Promise<void> {
  const store = await ctx.store();
  const { selected, errors } = await selectObjects(ctx, o.args, {}, 'edit');
  if (errors.length > 0) throw errors[0];
  const { toYAML } = await import('../../util/go-yaml.js');
  const { parseManifestText } = await import('../../manifest/loader.js');
  const { applyEdit } = await import('../../apply/patch.js');
  const { mkdtemp, writeFile, readFile, rm } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  let wrote = false;
  for (const s of selected) {
    for (const listed of s.objects) {
      // kubectl edit leaves metadata.managedFields out of the file (--show-managed-fields=false)
      const { managedFields: _mf, ...shownMeta } = listed.metadata as KubeObject['metadata'] & { managedFields?: unknown };
      const shown = { ...listed, metadata: shownMeta } as KubeObject;
      const dir = await mkdtemp(join(tmpdir(), 'kctl-edit-'));
      const file = join(dir, `${s.kind.plural}-${shown.metadata.name}.yaml`);
      await writeFile(file, HEADER + toYAML(shown), { mode: 0o600 });
      await runEditor(o.editor, file);
      const text = (await readFile(file, 'utf8')).split('\n').filter((l) => !l.startsWith('#')).join('\n');
      if (text.trim() === '') {
        await rm(dir, { recursive: true, force: true });
        ctx.out('Edit cancelled, no changes made.\n');
        continue;
      }
      const parsed = parseManifestText(text, file);
      if (parsed.errors.length > 0 || parsed.objects.length !== 1) {
        const why = parsed.errors[0]?.message ?? 'expected exactly one object';
        throw new KctlError('Invalid', `${why}; a copy of your changes has been stored to "${file}"`);
      }
      const edited = parsed.objects[0]!.object as KubeObject;
      const ref = { resource: s.kind.plural, namespace: shown.metadata.namespace, name: shown.metadata.name };
      for (let attempt = 0; ; attempt++) {
        const current = await store.get(ref);
        const r = applyEdit(current, shown, edited, { saveConfig: o.saveConfig });
        if (!r.changed) {
          ctx.out('Edit cancelled, no changes made.\n');
          break;
        }
        const { validateObject } = await import('../../api/validate.js');
        const bad = (await validateObject(r.result, { mode: 'strict' })).filter((f) => f.severity !== 'warning');
        if (bad.length > 0)
          throw new KctlError('Invalid', `${s.kind.kind} "${shown.metadata.name}" is invalid: ${bad.map((b) => `${b.path}: ${b.message}`).join('; ')}; a copy of your changes has been stored to "${file}"`);
        try {
          await store.update(await recordFieldManager(ctx, current, r.result, 'kubectl-edit'));
          wrote = true;
        } catch (e) {
          if (isConflict(e) && attempt < 5) continue;
          throw e;
        }
        ctx.out(`${qualifiedKind(s.kind)}/${shown.metadata.name} edited\n`);
        break;
      }
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (wrote) await afterMutation(ctx);
}

async function spawnEditor(editor: string, file: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  // like kubectl: the editor string may carry arguments ("code --wait"); run it through the shell
  await new Promise<void>((resolve, reject) => {
    const child = spawn(`${editor} "${file.replace(/"/g, '\\"')}"`, { stdio: 'inherit', shell: true });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new KctlError('Internal', `editor "${editor}" exited with status ${code}`))));
  });
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('edit')
    .description('Edit a resource on the server')
    .argument('<args...>', 'TYPE NAME or TYPE/NAME')
    .option('--save-config', 'If true, the configuration of current object will be saved in its annotation.')
    .action(async (args: string[], f: Record<string, unknown>) => {
      const editor = ctx.io.env.KUBE_EDITOR || ctx.io.env.EDITOR || 'vi';
      if (args.length === 0) throw new UsageError('you must provide one or more resources');
      await runEdit({ args, saveConfig: Boolean(f.saveConfig), editor }, ctx);
    });
}
