// Keeps the SES emulator's inbox small in memory: aws-ses-v2-local holds every sent email, attachments
// included (a digest carries a .docx per dossier; a sample year is hundreds of MB). Each attachment's
// content moves to a file as soon as it is stored and is read back whenever the inbox is read (`/store`,
// the web inbox, .eml downloads), so what the emulator shows is unchanged. The emulator's store is one
// per process (or worker thread), so the spilling is too: one directory, removed when the process exits.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { getStoreReadonly } = require('aws-ses-v2-local/dist/store.js');

/** Attachments smaller than this stay in memory (a file per tiny attachment costs more than it saves). */
const MIN_BYTES = 4096;

let dir;
let users = 0;
let timer;
let emails;
let seen = 0;
let files = 0;

function spill() {
  const store = getStoreReadonly();
  // The emulator replaces the array when its store is cleared.
  if (store.emails !== emails) {
    emails = store.emails;
    seen = 0;
  }
  for (; seen < emails.length; seen += 1) {
    for (const attachment of emails[seen].attachments ?? []) {
      const content = Object.getOwnPropertyDescriptor(attachment, 'content')?.value;
      if (typeof content !== 'string' || content.length < MIN_BYTES) continue;
      dir ??= mkdtempSync(join(tmpdir(), 'dunghan-inbox-'));
      const file = join(dir, `${files++}.b64`);
      writeFileSync(file, content);
      Object.defineProperty(attachment, 'content', {
        enumerable: true,
        configurable: true,
        get: () => {
          try {
            return readFileSync(file, 'utf8');
          } catch {
            return '';
          }
        },
      });
    }
  }
}

process.once('exit', () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts moving attachment contents to files (once per process); returns the stopper. `removeFiles`:
 * the store dies with the caller (a worker thread about to end), so the files go now.
 */
export function spillInboxAttachments({ removeFiles = false } = {}) {
  users += 1;
  if (!timer) {
    timer = setInterval(spill, 100);
    timer.unref();
  }
  return () => {
    users -= 1;
    if (users > 0 || !timer) return;
    clearInterval(timer);
    timer = undefined;
    if (removeFiles && dir) {
      rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    } else spill();
  };
}
