// Pure helpers for pointing at places in manifests: "web.yaml:9:7" prefixes and Kubernetes field paths.
// No YAML here (and no `yaml` import), so any module can use these for free.

/** 1-based line and column, as editors and compilers print them. */
export interface Position {
  line: number;
  col: number;
}

/** What the user calls a file in messages: the path as typed, "STDIN" for `-` (kubectl's name for it). */
export function displayName(file: string): string {
  return file === '-' ? 'STDIN' : file;
}

/** `web.yaml:9:7` (or just `web.yaml` without a position): the prefix of every manifest error. */
export function formatSource(file: string, pos?: Position): string {
  const name = displayName(file);
  return pos ? `${name}:${pos.line}:${pos.col}` : name;
}

/**
 * Splits a Kubernetes field path (as printed in validation errors) into segments:
 * `spec.template.spec.containers[0].image` → ['spec','template','spec','containers',0,'image'],
 * `metadata.labels[app.kubernetes.io/name]` → ['metadata','labels','app.kubernetes.io/name'].
 */
export function parseFieldPath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  let i = 0;
  let cur = '';
  const flush = (): void => {
    if (cur !== '') out.push(cur);
    cur = '';
  };
  while (i < path.length) {
    const ch = path[i]!;
    if (ch === '.') {
      flush();
      i++;
    } else if (ch === '[') {
      flush();
      const end = path.indexOf(']', i + 1);
      const inner = end < 0 ? path.slice(i + 1) : path.slice(i + 1, end);
      out.push(/^\d+$/.test(inner) ? Number(inner) : inner);
      i = end < 0 ? path.length : end + 1;
    } else {
      cur += ch;
      i++;
    }
  }
  flush();
  return out;
}
