// Runs dynalite in a worker thread, so the local DynamoDB uses a core of its own (see dynalite-server.ts).
import { parentPort, workerData } from 'node:worker_threads';
import './close-ended-iterators.mjs';
import dynalite from 'dynalite';

const server = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  ...(workerData.path ? { path: workerData.path } : {}),
});
server.on('error', (error) => parentPort.postMessage({ error: String(error) }));
server.listen(workerData.port ?? 0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  server.closeAllConnections?.();
  server.close(() => parentPort.postMessage({ closed: true }));
});
