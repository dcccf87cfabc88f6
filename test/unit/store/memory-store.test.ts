import { storeContract } from '../../contracts/store-contract.js';
import { MemoryStore } from '../../../src/store/memory-store.js';

storeContract('MemoryStore', async ({ clock, historyLimit }) => new MemoryStore({ clock, historyLimit }));
