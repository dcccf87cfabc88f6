// The API server's semantic checks, split as upstream's validation packages are: field paths and errors
// (field.ts), string formats (formats.ts), object metadata and selectors (meta.ts), the pod spec (pod.ts), the
// other core kinds (core.ts), workload templates (template.ts), apps (apps.ts), batch (batch.ts), the cheap
// checks of the remaining 1.32 kinds (other-kinds.ts), and the per-kind entry points (semantics.ts).
export { FieldPath, forbidden, goValue, invalid, notSupported, required } from './field.js';
export {
  base64Error,
  configMapKeyErrors,
  envVarNameErrors,
  labelValueErrors,
  portNameErrors,
  qualifiedNameErrors,
} from './formats.js';
export { selectorMatches } from './meta.js';
export { validatePodSpec } from './pod.js';
export { cronScheduleError } from './batch.js';
export { validateKindSemantics } from './other-kinds.js';
export { podSpecPaths, unsupportedFieldWarnings, validateSemantics } from './semantics.js';
