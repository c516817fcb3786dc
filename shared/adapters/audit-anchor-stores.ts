import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AuditAnchor, AuditCheckpoint, VerificationMark } from '../domain/audit/audit-chain.ts';
import { AnchorExistsError, type AuditAnchorStore } from '../ports/audit-trail.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Anchors in an S3 bucket under Object Lock in compliance mode (ADR 0021, the CDK app's `AuditAnchors`):
 * `anchors/<day>.json`, written once (`If-None-Match: *`); the bucket's default retention keeps every
 * version of it, so no one — the account's root included — can delete or replace it before it expires.
 */
export class S3AuditAnchorStore implements AuditAnchorStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  get location(): string {
    return `s3://${this.bucket}/anchors/`;
  }

  async get(day: string): Promise<AuditAnchor | undefined> {
    try {
      const { Body } = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: `anchors/${day}.json` }),
      );
      return JSON.parse((await Body?.transformToString('utf8')) ?? '') as AuditAnchor;
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  /** Writes an object once (`If-None-Match: *`): AnchorExistsError when it is there already. */
  private async putOnce(key: string, value: unknown, exists: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: `${JSON.stringify(value, null, 2)}\n`,
          ContentType: 'application/json',
          IfNoneMatch: '*',
          ChecksumAlgorithm: 'SHA256',
        }),
      );
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412 || status === 409) throw new AnchorExistsError(exists);
      throw error;
    }
  }

  put(anchor: AuditAnchor): Promise<void> {
    return this.putOnce(`anchors/${anchor.day}.json`, anchor, `${anchor.day} is anchored already`);
  }

  async latest(): Promise<AuditAnchor | undefined> {
    let last: string | undefined;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'anchors/', ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const day = object.Key?.slice('anchors/'.length, -'.json'.length);
        if (day && DAY.test(day) && (last === undefined || day > last)) last = day;
      }
      token = page.NextContinuationToken;
    } while (token);
    return last ? this.get(last) : undefined;
  }

  /** `checkpoints/<day>/<coveredTo>.json`, written once under the same Object Lock as the days. */
  putCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    return this.putOnce(
      `checkpoints/${checkpoint.day}/${checkpoint.coveredTo}.json`,
      checkpoint,
      `${checkpoint.coveredTo} is checkpointed`,
    );
  }

  latestCheckpoint(day: string): Promise<AuditCheckpoint | undefined> {
    return this.lastUnder<AuditCheckpoint>(`checkpoints/${day}/`);
  }

  /** `verifications/<verifiedTo>.json`, written once under the same Object Lock (issue #31). */
  putVerification(mark: VerificationMark): Promise<void> {
    return this.putOnce(
      `verifications/${mark.verifiedTo}.json`,
      mark,
      `a verification up to ${mark.verifiedTo} is recorded`,
    );
  }

  latestVerification(): Promise<VerificationMark | undefined> {
    return this.lastUnder<VerificationMark>('verifications/');
  }

  /** The object with the greatest key under a prefix (keys list in order: the last page's last). */
  private async lastUnder<T>(prefix: string): Promise<T | undefined> {
    let last: string | undefined;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key && (!last || object.Key > last)) last = object.Key;
      token = page.NextContinuationToken;
    } while (token);
    if (!last) return undefined;
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: last }));
    return JSON.parse((await Body?.transformToString('utf8')) ?? '') as T;
  }

  /** The first anchored day: keys list in order, so the first page's first day (ADR 0021). */
  async first(): Promise<AuditAnchor | undefined> {
    const page = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'anchors/', MaxKeys: 10 }),
    );
    const day = (page.Contents ?? [])
      .map((o) => o.Key?.slice('anchors/'.length, -'.json'.length) ?? '')
      .find((d) => DAY.test(d));
    return day ? this.get(day) : undefined;
  }
}

/**
 * Anchors as files (`<dir>/<day>.json`) for the local runtime, created exclusively, never rewritten by
 * Đúng Hạn. A file protects nothing from whoever owns the machine: locally the anchor shows what verify
 * checks, not a guarantee (ADR 0021). Without a directory, anchors live in memory.
 */
export class FileAuditAnchorStore implements AuditAnchorStore {
  private readonly memory = new Map<string, AuditAnchor>();
  private readonly checkpoints = new Map<string, AuditCheckpoint>();
  private readonly verifications = new Map<string, VerificationMark>();

  constructor(private readonly dir: string | undefined) {}

  get location(): string {
    return this.dir ?? '(memory)';
  }

  async get(day: string): Promise<AuditAnchor | undefined> {
    if (!this.dir) return this.memory.get(day);
    try {
      return JSON.parse(await readFile(join(this.dir, `${day}.json`), 'utf8')) as AuditAnchor;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async put(anchor: AuditAnchor): Promise<void> {
    if (!this.dir) {
      if (this.memory.has(anchor.day)) throw new AnchorExistsError(`${anchor.day} is anchored already`);
      this.memory.set(anchor.day, anchor);
      return;
    }
    await mkdir(this.dir, { recursive: true });
    try {
      await writeFile(join(this.dir, `${anchor.day}.json`), `${JSON.stringify(anchor, null, 2)}\n`, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new AnchorExistsError(`${anchor.day} is anchored already`);
      throw error;
    }
  }

  async putCheckpoint(checkpoint: AuditCheckpoint): Promise<void> {
    const key = `${checkpoint.day}/${checkpoint.coveredTo}`;
    if (!this.dir) {
      if (this.checkpoints.has(key)) throw new AnchorExistsError(`${checkpoint.coveredTo} is checkpointed`);
      this.checkpoints.set(key, checkpoint);
      return;
    }
    const dir = join(this.dir, 'checkpoints', checkpoint.day);
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(
        join(dir, `${checkpoint.coveredTo.replace(/:/g, '-')}.json`),
        `${JSON.stringify(checkpoint, null, 2)}\n`,
        {
          flag: 'wx',
        },
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new AnchorExistsError(`${checkpoint.coveredTo} is checkpointed`);
      throw error;
    }
  }

  async latestCheckpoint(day: string): Promise<AuditCheckpoint | undefined> {
    if (!this.dir) {
      const keys = [...this.checkpoints.keys()].filter((k) => k.startsWith(`${day}/`)).sort();
      return keys.length ? this.checkpoints.get(keys.at(-1) as string) : undefined;
    }
    let names: string[];
    try {
      names = (await readdir(join(this.dir, 'checkpoints', day))).filter((n) => n.endsWith('.json')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const last = names.at(-1);
    return last
      ? (JSON.parse(await readFile(join(this.dir, 'checkpoints', day, last), 'utf8')) as AuditCheckpoint)
      : undefined;
  }

  async putVerification(mark: VerificationMark): Promise<void> {
    const exists = `a verification up to ${mark.verifiedTo} is recorded`;
    if (!this.dir) {
      if (this.verifications.has(mark.verifiedTo)) throw new AnchorExistsError(exists);
      this.verifications.set(mark.verifiedTo, mark);
      return;
    }
    const dir = join(this.dir, 'verifications');
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(join(dir, `${mark.verifiedTo}.json`), `${JSON.stringify(mark, null, 2)}\n`, { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new AnchorExistsError(exists);
      throw error;
    }
  }

  async latestVerification(): Promise<VerificationMark | undefined> {
    if (!this.dir) return [...this.verifications.entries()].sort(([a], [b]) => a.localeCompare(b)).at(-1)?.[1];
    let names: string[];
    try {
      names = (await readdir(join(this.dir, 'verifications'))).filter((n) => DAY.test(n.replace(/\.json$/, '')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const last = names.sort().at(-1);
    return last
      ? (JSON.parse(await readFile(join(this.dir, 'verifications', last), 'utf8')) as VerificationMark)
      : undefined;
  }

  private async days(): Promise<string[]> {
    if (!this.dir) return [...this.memory.keys()].sort();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .map((n) => n.replace(/\.json$/, ''))
      .filter((d) => DAY.test(d))
      .sort();
  }

  async latest(): Promise<AuditAnchor | undefined> {
    const days = await this.days();
    return days.length ? this.get(days.at(-1) as string) : undefined;
  }

  async first(): Promise<AuditAnchor | undefined> {
    const [day] = await this.days();
    return day ? this.get(day) : undefined;
  }
}
