/**
 * Starts moving the SES emulator's attachment contents to files (once per process); returns the
 * stopper. `removeFiles`: the store dies with the caller (a worker thread about to end).
 */
export function spillInboxAttachments(options?: { removeFiles?: boolean }): () => void;
