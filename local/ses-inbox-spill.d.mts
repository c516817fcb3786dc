/**
 * Starts moving the SES emulator's attachment contents and long mail bodies to files (once per
 * process); returns the stopper. `removeFiles`: the store dies with the caller (a worker thread about
 * to end).
 */
export function spillInboxToFiles(options?: { removeFiles?: boolean }): () => void;
