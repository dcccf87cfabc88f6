import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../../util/errors.js';
import { KINDS } from '../../api/kinds.js';
import { VERBS } from '../main.js';

// Completion scripts complete verbs, resource types and (by asking kctl itself) object names.
export function completionScript(shell: string): string {
  const verbs = VERBS.join(' ');
  const types = [...new Set(KINDS.flatMap((k) => [k.plural, k.singular, ...k.shortNames]))].sort().join(' ');
  const bash = `# kctl bash completion: source <(kctl completion bash)
_kctl() {
  local cur prev words cword
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${verbs}" -- "$cur") ); return
  fi
  case "$prev" in
    -f|--filename) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
    -n|--namespace) COMPREPLY=( $(compgen -W "$(kctl get namespaces -o name 2>/dev/null | sed 's|.*/||')" -- "$cur") ); return ;;
  esac
  if [ "$COMP_CWORD" -eq 2 ]; then
    COMPREPLY=( $(compgen -W "${types}" -- "$cur") ); return
  fi
  COMPREPLY=( $(compgen -W "$(kctl get "\${COMP_WORDS[2]}" -o name 2>/dev/null | sed 's|.*/||')" -- "$cur") )
}
complete -o default -F _kctl kctl
`;
  if (shell === 'bash') return bash;
  if (shell === 'zsh') return `#compdef kctl\n# kctl zsh completion: source <(kctl completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
  throw new UsageError(`Unsupported shell type "${shell}".`);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('Output shell completion code for the specified shell (bash, zsh)')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => ctx.out(completionScript(shell)));
}
