import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import type { Config } from '../../../config';
import type { Clock } from '../../clock';
import type { StepRecord } from '../../engine/workflow-definition';
import {
  AppError,
  NotFoundError,
  PayloadTooLargeError,
  RuleViolationError,
  UnsupportedFileTypeError,
} from '../../errors';
import type { Database } from '../../persistence/data-source';
import { EvidenceAttachment, EvidenceFile, OperationIncident } from '../../persistence/entities';
import { problem } from '../../../workflows/shared/problem';
import type { Principal } from '../org/org.service';
import { type AcceptedType, pdfThumbnail, readImage, sniffType } from './file-content';
import { type FileStorage, blobKey, thumbKey } from './file-storage';
import { attachmentsOf, deleteIfUnattached, filesToAttach, orphanFiles } from './files.queries';

/** The kinds of record evidence is attached to (issue 13). */
export const EVIDENCE_RECORD_TYPES = [
  'operation',
  'incident',
  'problem',
  'border_notice',
  'goods',
  'transfer',
] as const;
export type EvidenceRecordType = (typeof EVIDENCE_RECORD_TYPES)[number];

export interface StoredFile {
  id: string;
  sha256: string;
  bytes: number;
  contentType: string;
  width?: number;
  height?: number;
  takenAt?: Date;
  location?: { lat: number; lng: number };
  /** User id. */
  uploadedBy: number;
  uploadedAt: Date;
  originalName?: string;
}

export interface AttachedFile extends StoredFile {
  recordType: EvidenceRecordType;
  recordId: number;
  /** The history step that attached it (the record's version after that step). */
  step?: number;
  eventType?: string;
  /** When the step happened. */
  attachedAt: Date;
  /** The photo's EXIF time is more than `files.takenLongBeforeHours` (24 h) before the step it is attached to. */
  takenLongBefore: boolean;
}

/**
 * Whether `p` may read record `id` of a kind: resolves when they may, throws
 * (404, 403) when not. Each is the record's own read (its service's `get`),
 * so a file is readable exactly where its record is.
 */
export type RecordReader = (p: Principal, id: number) => Promise<unknown>;

/** The workflows whose steps take evidence, and the kind of record each is. */
const RECORD_TYPE_OF_WORKFLOW: Record<string, EvidenceRecordType> = {
  operation: 'operation',
  hard_problem: 'problem',
  border_notice: 'border_notice',
  goods: 'goods',
  case_transfer: 'transfer',
};

/** Evidence files one step may carry. */
export const MAX_FILES_PER_STEP = 20;

function toStored(f: EvidenceFile): StoredFile {
  return {
    id: f.id,
    sha256: f.sha256,
    bytes: Number(f.bytes),
    contentType: f.contentType,
    ...(f.width !== null ? { width: Number(f.width) } : {}),
    ...(f.height !== null ? { height: Number(f.height) } : {}),
    ...(f.takenAt ? { takenAt: f.takenAt } : {}),
    ...(f.latitude !== null && f.longitude !== null
      ? { location: { lat: Number(f.latitude), lng: Number(f.longitude) } }
      : {}),
    uploadedBy: f.uploadedBy,
    uploadedAt: f.uploadedAt,
    ...(f.originalName ? { originalName: f.originalName } : {}),
  };
}

/** Whether a step's payload names evidence files (the engine's hook acts on it: attaches them, or refuses them). */
export function carriesFiles(payload: Record<string, unknown>): boolean {
  const files = payload.files;
  return files !== undefined && !(Array.isArray(files) && files.length === 0);
}

/**
 * Evidence files (issue 13): photos and PDFs uploaded from the street and
 * attached to the steps that need proof — holding checks, spot checks and
 * audits, incidents, problem reports and rebounds, border notices, goods'
 * custody, transfer materials, an operation's results. Bytes are kept once
 * per SHA-256 in the file store; a file is readable by whoever may read a
 * record it is attached to, and until then by its uploader only.
 */
export class FilesService {
  /** Each kind of record's read (set by the container, which knows the services). */
  readonly readers: Partial<Record<EvidenceRecordType, RecordReader>> = {};

  constructor(
    private readonly db: Database,
    readonly storage: FileStorage,
    private readonly config: Readonly<Config>,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores an upload: 413 past `files.maxBytes`, 415 unless its bytes are a
   * JPEG, PNG, WebP, HEIC (when the image library reads it) or PDF. Photos get
   * their size, EXIF time and place, and a thumbnail.
   */
  async upload(p: Principal, content: Buffer, originalName?: string): Promise<StoredFile> {
    const max = this.config.files.maxBytes;
    if (content.length > max)
      throw new PayloadTooLargeError(`A file may be at most ${max} bytes`, { fields: { file: `too_big:${max}` } });
    if (!content.length)
      throw new UnsupportedFileTypeError('The file is empty', { fields: { file: 'unsupported_file_type' } });
    const type = sniffType(content);
    if (!type) throw unsupported();
    const sha256 = createHash('sha256').update(content).digest('hex');
    let image: Awaited<ReturnType<typeof readImage>> = null;
    if (type !== 'application/pdf') {
      image = await readImage(content, type, { thumbnailPx: this.config.files.thumbnailPx, timeZone: p.timeZone });
      if (!image) throw unsupported();
    }
    // The blob first, then the row: a row never names bytes the store lacks (an orphaned blob is swept with its sha).
    await this.storage.put(blobKey(sha256), content, type);
    if (image) await this.storage.put(thumbKey(sha256), image.thumbnail.body, image.thumbnail.contentType);
    const row: EvidenceFile = Object.assign(new EvidenceFile(), {
      id: randomUUID(),
      brigadeId: p.brigadeId,
      sha256,
      bytes: content.length,
      contentType: type,
      width: image?.facts.width ?? null,
      height: image?.facts.height ?? null,
      takenAt: image?.facts.takenAt ?? null,
      latitude: image?.facts.location?.lat ?? null,
      longitude: image?.facts.location?.lng ?? null,
      originalName: cleanName(originalName),
      thumbnailType: image ? image.thumbnail.contentType : null,
      uploadedBy: p.userId,
      uploadedAt: this.clock.now(),
    });
    await this.db.transaction((m) => m.insert(EvidenceFile, row));
    return toStored(row);
  }

  /** The original bytes, streamed: 404 unless `p` may read the file. */
  async open(p: Principal, id: string): Promise<{ file: StoredFile; body: Buffer | Readable }> {
    const file = await this.readable(p, id);
    const body = await this.storage.open(blobKey(file.sha256));
    if (!body) throw new NotFoundError(`File ${id}: its content is missing from the file store`);
    return { file: toStored(file), body };
  }

  /** A photo's thumbnail (EXIF orientation applied), a PDF's icon: 404 unless `p` may read the file. */
  async thumbnail(p: Principal, id: string): Promise<{ contentType: string; body: Buffer; sha256: string }> {
    const file = await this.readable(p, id);
    if (!file.thumbnailType) return { ...(await pdfThumbnail()), sha256: file.sha256 };
    const stored = await this.storage.read(thumbKey(file.sha256));
    if (stored) return { contentType: file.thumbnailType, body: stored, sha256: file.sha256 };
    // A store copied without its thumbnails: made again from the original.
    const original = await this.storage.read(blobKey(file.sha256));
    const image = original
      ? await readImage(original, file.contentType as AcceptedType, {
          thumbnailPx: this.config.files.thumbnailPx,
          timeZone: p.timeZone,
        })
      : null;
    if (!image) throw new NotFoundError(`File ${id}: its content is missing from the file store`);
    await this.storage.put(thumbKey(file.sha256), image.thumbnail.body, image.thumbnail.contentType);
    return { ...image.thumbnail, sha256: file.sha256 };
  }

  /** The files attached to a record, in the order attached: 404/403 as the record's own read. */
  async forRecord(p: Principal, type: EvidenceRecordType, id: number): Promise<AttachedFile[]> {
    await this.readRecord(p, type, id);
    return this.attachedTo(p.brigadeId, type, id);
  }

  /**
   * The files attached to a record, without asking whether the caller may read
   * it: for a service or presenter that has just read the record itself.
   */
  async attachedTo(
    brigadeId: number,
    type: EvidenceRecordType,
    id: number | readonly number[],
    m: EntityManager = this.db.manager,
  ): Promise<AttachedFile[]> {
    return attachedFilesOf(m, brigadeId, type, id, this.config.files.takenLongBeforeHours);
  }

  /**
   * Attaches files to a record inside the caller's transaction (the step's):
   * every id must be a file of the actor's brigade that they uploaded or may
   * already read, else 422 naming `files` and the whole step is refused.
   */
  async attach(
    m: EntityManager,
    actor: Principal | (Pick<Principal, 'brigadeId' | 'userId'> & Partial<Principal>),
    type: EvidenceRecordType,
    recordId: number,
    fileIds: readonly unknown[],
    meta: { historySeq?: number; eventType?: string; at?: Date } = {},
  ): Promise<void> {
    const ids = [...new Set(fileIds)];
    if (!ids.length) return;
    if (ids.length > MAX_FILES_PER_STEP || ids.some((x) => typeof x !== 'string' || !/^[0-9a-f-]{36}$/.test(x)))
      throw filesRefused(ids.filter((x) => typeof x !== 'string').length ? 'invalid_file_id' : 'too_many_files');
    const found = await filesToAttach(m, actor.brigadeId, ids as string[]);
    const byId = new Map(found.map((f) => [f.id, f]));
    for (const id of ids as string[]) {
      const file = byId.get(id);
      if (!file) throw filesRefused('unknown_file', id);
      if (file.uploadedBy !== actor.userId && !(await this.readableByAttachment(actor as Principal, file, m)))
        throw filesRefused('unknown_file', id);
    }
    const at = meta.at ?? this.clock.now();
    await m.insert(
      EvidenceAttachment,
      (ids as string[]).map((fileId) => ({
        fileId,
        brigadeId: actor.brigadeId,
        recordType: type,
        recordId,
        historySeq: meta.historySeq ?? null,
        eventType: meta.eventType ?? null,
        attachedBy: actor.userId,
        attachedAt: at,
      })),
    );
  }

  /**
   * The engine's hook (issue 13): a step whose payload carries `files` attaches
   * them to its record in the step's own transaction. An incident attaches them
   * to the incident and to its operation.
   */
  readonly onStep = async (
    m: EntityManager,
    workflow: string,
    step: StepRecord<unknown>,
    payload: Record<string, unknown>,
  ): Promise<void> => {
    if (!carriesFiles(payload)) return;
    const files = payload.files;
    if (!Array.isArray(files)) throw filesRefused('invalid_file_id');
    const type = RECORD_TYPE_OF_WORKFLOW[workflow];
    if (!type) throw filesRefused('files_not_taken');
    // The system's steps (a holding period ending) carry no evidence: files are people's.
    if (step.actor.userId === null) throw filesRefused('files_not_taken');
    const actor = step.actor as Principal;
    const meta = { historySeq: step.seq, eventType: step.event.type, at: step.effectiveAt };
    await this.attach(m, actor, type, step.instanceId, files, meta);
    if (workflow === 'operation' && step.event.type === 'LOG_INCIDENT') {
      const incident = await m.findOneBy(OperationIncident, { operationId: step.instanceId, historySeq: step.seq });
      if (incident) await this.attach(m, actor, 'incident', incident.id, files, meta);
    }
  };

  /**
   * Removes files attached to nothing `files.orphanHours` after their upload,
   * and each blob (and thumbnail) no file row names any more.
   */
  async sweepOrphans(batch = 500): Promise<{ files: number; blobs: number }> {
    const before = new Date(this.clock.now().getTime() - this.config.files.orphanHours * 3_600_000);
    let files = 0;
    let blobs = 0;
    for (;;) {
      const orphans = await orphanFiles(this.db.manager, before, batch);
      if (!orphans.length) break;
      // Deleted only while still unattached: a step attaching one meanwhile keeps it.
      const gone: EvidenceFile[] = [];
      await this.db.transaction(async (m) => {
        gone.length = 0; // run again from the start after a conflict: only the last run's deletions committed
        for (const f of orphans) if (await deleteIfUnattached(m, f.id)) gone.push(f);
      });
      files += gone.length;
      for (const sha of new Set(gone.map((f) => f.sha256))) {
        if (await this.db.manager.count(EvidenceFile, { where: { sha256: sha } })) continue;
        await this.storage.remove(blobKey(sha));
        await this.storage.remove(thumbKey(sha));
        blobs++;
      }
      if (orphans.length < batch) break;
    }
    return { files, blobs };
  }

  /** The operation an incident of the brigade belongs to (404 for another brigade's or none). */
  async operationOfIncident(brigadeId: number, incidentId: number): Promise<number> {
    const incident = Number.isSafeInteger(incidentId)
      ? await this.db.manager.findOneBy(OperationIncident, { id: incidentId, brigadeId })
      : null;
    if (!incident) throw new NotFoundError(`No incident ${incidentId}`);
    return incident.operationId;
  }

  /** The file, if `p` may read it: its uploader, or whoever may read a record it is attached to. 404 otherwise. */
  private async readable(p: Principal, id: string): Promise<EvidenceFile> {
    const file = /^[0-9a-f-]{36}$/.test(id)
      ? await this.db.manager.findOneBy(EvidenceFile, { id, brigadeId: p.brigadeId })
      : null;
    if (!file) throw new NotFoundError(`No file ${id}`);
    if (file.uploadedBy === p.userId) return file;
    if (await this.readableByAttachment(p, file, this.db.manager)) return file;
    throw new NotFoundError(`No file ${id}`);
  }

  private async readableByAttachment(p: Principal, file: EvidenceFile, m: EntityManager): Promise<boolean> {
    const attachments = await m.find(EvidenceAttachment, {
      where: { fileId: file.id, brigadeId: p.brigadeId },
      order: { id: 'ASC' },
    });
    const seen = new Set<string>();
    for (const a of attachments) {
      const key = `${a.recordType}:${a.recordId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      try {
        await this.readRecord(p, a.recordType as EvidenceRecordType, a.recordId);
        return true;
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
      }
    }
    return false;
  }

  private async readRecord(p: Principal, type: EvidenceRecordType, id: number): Promise<void> {
    const reader = this.readers[type];
    if (!reader) throw new Error(`FilesService: no reader for ${type} records`);
    await reader(p, id);
  }
}

/**
 * The files attached to a record, in the order attached (a record's read
 * model lists them: the caller has read the record). A photo taken more than
 * `takenLongBeforeHours` before the step that attached it is marked.
 */
export async function attachedFilesOf(
  m: EntityManager,
  brigadeId: number,
  type: EvidenceRecordType,
  id: number | readonly number[],
  takenLongBeforeHours: number,
): Promise<AttachedFile[]> {
  const rows = await attachmentsOf(m, brigadeId, type, id);
  const limit = takenLongBeforeHours * 3_600_000;
  return rows.map(({ attachment: a, file }) => ({
    ...toStored(file),
    recordType: type,
    recordId: a.recordId,
    ...(a.historySeq !== null ? { step: a.historySeq } : {}),
    ...(a.eventType ? { eventType: a.eventType } : {}),
    attachedAt: a.attachedAt,
    takenLongBefore: file.takenAt !== null && a.attachedAt.getTime() - file.takenAt.getTime() > limit,
  }));
}

function unsupported(): UnsupportedFileTypeError {
  return new UnsupportedFileTypeError('Only photos (JPEG, PNG, WebP, HEIC) and PDF files are taken', {
    fields: { file: 'unsupported_file_type' },
  });
}

function filesRefused(code: string, id?: string): RuleViolationError {
  return new RuleViolationError(`files: ${code}${id ? ` (${id})` : ''}`, [
    problem(code, 'files', undefined, id ? { file: id } : undefined),
  ]);
}

/** The name a file came with, for its download: no path, no control characters, at most 255 characters. */
function cleanName(name: string | undefined): string | null {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()
    ?.split('')
    .filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim();
  return base ? base.slice(0, 255) : null;
}
