// A conversion worker thread that exits (code 70) at the second file it is sent (see failing-worker.mjs).
import { failAtFile } from './failing-worker.mjs';

await failAtFile(2, 'exit');
