// Runs the SES emulator (aws-ses-v2-local) in a worker thread: parsing every sent message then uses a core
// of its own (see ses-server.ts). Attachments and long bodies are kept in files, not in the worker's heap.
import { parentPort, workerData } from 'node:worker_threads';
import sesModule from 'aws-ses-v2-local';
import { spillInboxToFiles } from './ses-inbox-spill.mjs';

const start = typeof sesModule === 'function' ? sesModule : sesModule.default;
const server = await start({ host: '127.0.0.1', port: workerData.port ?? 0 });
const stopSpilling = spillInboxToFiles({ removeFiles: true });
parentPort.postMessage({ port: server.address().port });
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  server.closeAllConnections?.();
  server.close(() => {
    stopSpilling();
    parentPort.postMessage({ closed: true });
  });
});
