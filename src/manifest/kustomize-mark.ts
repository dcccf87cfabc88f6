/**
 * A `-k DIR` rides in a verb's filename list as this prefix + DIR (cli/flags.ts kustomizeOption), so every
 * verb that reads `-f` reads `-k` through the same loader. NUL cannot occur in a path. Its own module so
 * the CLI can name it without loading the manifest loader (and the YAML parser) at start-up.
 */
export const KUSTOMIZE_MARK = '\0kustomize:';
