import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3'

export type Storage = { client: S3Client; bucket: string; ping(): Promise<void> }

export function createStorage(o: {
  endpoint: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  bucket: string
}): Storage {
  const client = new S3Client({
    endpoint: o.endpoint,
    region: o.region,
    forcePathStyle: true, // MinIO and s3rver serve buckets as paths, not subdomains
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
  })
  return {
    client,
    bucket: o.bucket,
    ping: async () => void (await client.send(new HeadBucketCommand({ Bucket: o.bucket }))),
  }
}

/** Creates the bucket unless it exists (idempotent, safe when two instances start at once). */
export async function ensureBucket(s: Storage) {
  try {
    await s.ping()
  } catch {
    await s.client.send(new CreateBucketCommand({ Bucket: s.bucket })).catch((err: Error) => {
      if (!/BucketAlready(OwnedByYou|Exists)/.test(err.name)) throw err
    })
  }
  return ensureVersioning(s.client, s.bucket)
}

/**
 * Turns versioning on, so an overwritten or deleted object can be restored. Answers why not when the server
 * cannot (s3rver locally: NotImplemented) or the key may not (AccessDenied): the operator's to set then.
 */
export async function ensureVersioning(
  client: S3Client,
  bucket: string,
): Promise<'enabled' | string> {
  return client
    .send(
      new PutBucketVersioningCommand({
        Bucket: bucket,
        VersioningConfiguration: { Status: 'Enabled' },
      }),
    )
    .then(
      () => 'enabled',
      (err: Error) => err.name,
    )
}
