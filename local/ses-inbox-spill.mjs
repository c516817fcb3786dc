// Keeps the SES emulator's inbox small in memory: aws-ses-v2-local holds every sent email, attachments
// included (a digest carries a .docx per dossier; a sample year is hundreds of MB), and each mail's HTML
// and text (a digest's HTML lists its dossiers: tens of KB, twice that as a JavaScript string of
// Vietnamese). Each attachment's content and each long body moves to a file as soon as it is stored and
// is read back whenever the inbox is read (`/store`, the web inbox, .eml downloads), so what the
// emulator shows is unchanged. The emulator's store is one per process (or worker thread), so the
// spilling is too: one directory, removed when the process exits.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { getStoreReadonly } = require('aws-ses-v2-local/dist/store.js');

/** Texts smaller than this stay in memory (a file per short text costs more than it saves). */
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
    const email = emails[seen];
    if (email.body) {
      moveToFile(email.body, 'html');
      moveToFile(email.body, 'text');
    }
    for (const attachment of email.attachments ?? []) moveToFile(attachment, 'content');
  }
}

/** Moves `holder[key]`, a long string, to a file, leaving a getter that reads it back. */
function moveToFile(holder, key) {
  const value = Object.getOwnPropertyDescriptor(holder, key)?.value;
  if (typeof value !== 'string' || value.length < MIN_BYTES) return;
  dir ??= mkdtempSync(join(tmpdir(), 'dunghan-inbox-'));
  const file = join(dir, `${files++}.txt`);
  writeFileSync(file, value);
  Object.defineProperty(holder, key, {
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

process.once('exit', () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts moving attachment contents and long bodies to files (once per process); returns the stopper.
 * `removeFiles`: the store dies with the caller (a worker thread about to end), so the files go now.
 */
export function spillInboxToFiles({ removeFiles = false } = {}) {
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
