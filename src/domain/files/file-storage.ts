import { createReadStream, promises as fs, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../../config';

/**
 * Where evidence files' bytes live: blobs named by their SHA-256 (`blob/ab/<sha>`)
 * and their thumbnails (`thumb/<sha>`), each written once. Rows in the
 * database say who uploaded what; the store knows only content.
 */
export interface FileStorage {
  readonly kind: 'local' | 's3';
  /** Writes `key` unless it is there already (same key, same bytes: content-addressed). */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  has(key: string): Promise<boolean>;
  /** The bytes, streamed; null when there is no such key. */
  open(key: string): Promise<Readable | null>;
  read(key: string): Promise<Buffer | null>;
  remove(key: string): Promise<void>;
}

export const blobKey = (sha256: string) => `blob/${sha256.slice(0, 2)}/${sha256}`;
export const thumbKey = (sha256: string) => `thumb/${sha256}`;

/** A directory (`files.dir`), created at start. Writes go to a temporary name first, then are renamed: a reader never sees half a file. */
export class LocalStorage implements FileStorage {
  readonly kind = 'local';
  private readonly root: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
    mkdirSync(this.root, { recursive: true });
  }

  private pathOf(key: string): string {
    if (!/^[a-z]+(\/[0-9a-f]{2})?\/[0-9a-f]{64}$/.test(key)) throw new Error(`not a file store key: ${key}`);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Buffer): Promise<void> {
    const file = this.pathOf(key);
    if (await this.has(key)) return;
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.part`;
    await fs.writeFile(temp, body);
    await fs.rename(temp, file);
  }

  async has(key: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  async open(key: string): Promise<Readable | null> {
    if (!(await this.has(key))) return null;
    return createReadStream(this.pathOf(key));
  }

  async read(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async remove(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }
}

/** An S3-compatible object store (`files.s3`): several instances share one bucket. */
export class S3Storage implements FileStorage {
  readonly kind = 's3';
  /** The SDK and its client, loaded when this store is made (a server on the local store never loads the SDK). */
  private readonly sdk: Promise<{ s3: typeof import('@aws-sdk/client-s3'); client: S3Client }>;

  constructor(private readonly s3: NonNullable<Config['files']['s3']>) {
    this.sdk = import('@aws-sdk/client-s3').then((sdk) => ({
      s3: sdk,
      client: new sdk.S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: s3.forcePathStyle,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
        // Checksums only where the protocol requires them: S3-compatible stores (MinIO, Ceph, OSS, s3rver) do not all
        // take the SDK's newer default trailers, and the blob's name is its SHA-256 anyway.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    }));
  }

  private keyOf(key: string): string {
    return `${this.s3.prefix}${key}`;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    if (await this.has(key)) return;
    const { s3, client } = await this.sdk;
    await client.send(
      new s3.PutObjectCommand({ Bucket: this.s3.bucket, Key: this.keyOf(key), Body: body, ContentType: contentType }),
    );
  }

  async has(key: string): Promise<boolean> {
    const { s3, client } = await this.sdk;
    try {
      await client.send(new s3.HeadObjectCommand({ Bucket: this.s3.bucket, Key: this.keyOf(key) }));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  async open(key: string): Promise<Readable | null> {
    const { s3, client } = await this.sdk;
    try {
      const got = await client.send(new s3.GetObjectCommand({ Bucket: this.s3.bucket, Key: this.keyOf(key) }));
      return (got.Body as Readable | undefined) ?? null;
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async read(key: string): Promise<Buffer | null> {
    const stream = await this.open(key);
    if (!stream) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }

  async remove(key: string): Promise<void> {
    const { s3, client } = await this.sdk;
    await client.send(new s3.DeleteObjectCommand({ Bucket: this.s3.bucket, Key: this.keyOf(key) }));
  }

  /** Closes the client's sockets (tests, shutdown). */
  destroy(): void {
    void this.sdk.then(({ client }) => client.destroy());
  }
}

function isMissing(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NotFound' || err?.name === 'NoSuchKey' || err?.$metadata?.httpStatusCode === 404;
}

/** The store the settings name. */
export function fileStorage(config: Readonly<Config>): FileStorage {
  if (config.files.storage === 's3') {
    if (!config.files.s3) throw new Error('files.s3 is required when files.storage is s3');
    return new S3Storage(config.files.s3);
  }
  return new LocalStorage(config.files.dir);
}
