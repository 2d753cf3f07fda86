// A conversion worker thread whose conversion throws at the third file it is sent (see failing-worker.mjs).
import { failAtFile } from './failing-worker.mjs';

await failAtFile(3, 'throw');
