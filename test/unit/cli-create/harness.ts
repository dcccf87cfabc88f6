// In-process kctl for the create generators: the shared harness (test/helpers/cli-harness.ts) over a MemoryStore.
import { harness, type Harness } from '../../helpers/cli-harness.js';

export { kctl, type Result } from '../../helpers/cli-harness.js';
export type Env = Harness;
export const setup = (): Env => harness();
