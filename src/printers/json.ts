// kubectl -o json: Go's MarshalIndent with 4 spaces (util/go-json.ts) plus a newline.
import { goJSON } from '../util/go-json.js';

export { goJSON };

export const printJSON = (value: unknown): string => `${goJSON(value, '    ')}\n`;
