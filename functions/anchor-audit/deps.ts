import { S3Client } from '@aws-sdk/client-s3';
import { S3AuditAnchorStore } from '../../shared/adapters/audit-anchor-stores.ts';
import { type Platform, platformFromEnvironment } from '../../shared/adapters/platform.ts';
import type { AuditAnchorStore } from '../../shared/ports/audit-trail.ts';
import { readAnchorConfig } from '../../shared/settings/env.ts';
import type { AnchorDeps } from '../../shared/use-cases/anchor-audit.ts';

/** The anchoring function's composition root: the table's audit trail, where anchors go, the clock. */
export function anchorDeps(platform: Platform, anchors: AuditAnchorStore): AnchorDeps {
  return { trail: platform.table.audit, anchors, clock: platform.clock };
}

/** The S3 bucket under Object Lock that ANCHOR_BUCKET names (ADR 0021). */
export function s3Anchors(bucket: string): S3AuditAnchorStore {
  return new S3AuditAnchorStore(new S3Client({}), bucket);
}

/** Production wiring: the platform and the bucket from the environment. */
export function anchorDepsFromEnvironment(): AnchorDeps {
  const config = readAnchorConfig();
  return anchorDeps(platformFromEnvironment(config), s3Anchors(config.ANCHOR_BUCKET));
}
