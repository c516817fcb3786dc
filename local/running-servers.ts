import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The servers a long-lived local runtime (`npm start`, `dunghan serve`) keeps up on a data directory,
 * announced in a file beside its data: dynalite holds the directory's lock, so another command could
 * not open it, but it can work through these servers instead (ADR 0016).
 */
export interface RunningServers {
  pid: number;
  startedAt: string;
  dynamoEndpoint: string;
  /** The bus's PutEvents endpoint: events published there reach the running functions (the letter's delivery). */
  busEndpoint: string;
  sesEndpoint?: string | undefined;
  apiUrl?: string | undefined;
  /** The local OpenID provider's issuer: `dunghan login` signs in there (ADR 0023). */
  identityIssuer?: string | undefined;
  /**
   * The instant of the runtime's own clock when it is not the system's (the demo's simulated world stops
   * at its last day): commands working through it act at that instant, so the dossiers' times agree.
   */
  clockAt?: string | undefined;
}

const FILE = 'servers.json';

/** Announces (or announces again, e.g. with a later `clockAt`) the servers of this process. */
export async function announceServers(dataDir: string, servers: RunningServers): Promise<void> {
  await writeFile(join(dataDir, FILE), `${JSON.stringify(servers, null, 2)}\n`);
}

/** Withdraws the announcement, if it is still this one's. */
export async function withdrawServers(dataDir: string, servers: RunningServers): Promise<void> {
  const current = await readAnnouncement(dataDir);
  if (current?.pid === servers.pid && current.startedAt === servers.startedAt)
    await rm(join(dataDir, FILE), { force: true });
}

async function readAnnouncement(dataDir: string): Promise<RunningServers | undefined> {
  try {
    const parsed = JSON.parse(await readFile(join(dataDir, FILE), 'utf8')) as Partial<RunningServers>;
    if (typeof parsed.pid !== 'number' || typeof parsed.dynamoEndpoint !== 'string') return undefined;
    if (typeof parsed.busEndpoint !== 'string' || typeof parsed.startedAt !== 'string') return undefined;
    return parsed as RunningServers;
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(endpoint, { method: 'GET', signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * The servers still running on a data directory, if any: an announcement left by a process that died
 * (killed, power cut) names a dead process or a closed port, and is ignored — its lock died with it.
 */
export async function findRunningServers(dataDir: string): Promise<RunningServers | undefined> {
  const servers = await readAnnouncement(dataDir);
  if (!servers || !processAlive(servers.pid)) return undefined;
  return (await answers(servers.dynamoEndpoint)) ? servers : undefined;
}
