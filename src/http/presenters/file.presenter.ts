import type { z } from 'zod';
import type { AttachedFile, StoredFile } from '../../domain/files/files.service';
import { isoInZone } from '../../time';
import type { attachedFile, storedFile } from '../schemas/responses/file.response';
import { oneOf } from './narrow';

const TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'] as const;

/** An uploaded file as the API answers it (issue 13). */
export function presentStoredFile(f: StoredFile, timeZone: string): z.output<typeof storedFile> {
  return {
    id: f.id,
    sha256: f.sha256,
    bytes: f.bytes,
    contentType: oneOf(TYPES, f.contentType),
    ...(f.width !== undefined ? { width: f.width } : {}),
    ...(f.height !== undefined ? { height: f.height } : {}),
    ...(f.takenAt ? { takenAt: isoInZone(f.takenAt, timeZone) } : {}),
    ...(f.location ? { location: f.location } : {}),
  };
}

/** A file attached to a record, for the record's answer (`files`). */
export function presentAttachedFile(f: AttachedFile, timeZone: string): z.output<typeof attachedFile> {
  return {
    ...presentStoredFile(f, timeZone),
    ...(f.originalName ? { originalName: f.originalName } : {}),
    ...(f.step !== undefined ? { step: f.step } : {}),
    ...(f.eventType ? { eventType: f.eventType } : {}),
    attachedAt: isoInZone(f.attachedAt, timeZone),
    takenLongBefore: f.takenLongBefore,
  };
}
