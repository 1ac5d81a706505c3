import { type EntityManager, In } from 'typeorm';
import { lockedForRead } from '../../persistence/dialect';
import { EvidenceAttachment, EvidenceFile } from '../../persistence/entities';

/** The evidence files' SQL (issue 13): each function takes the EntityManager (or transaction) and returns entities or plain rows. */

/** Files uploaded before `before` and attached to nothing (orphans), oldest first. */
export function orphanFiles(m: EntityManager, before: Date, take: number): Promise<EvidenceFile[]> {
  return m
    .createQueryBuilder(EvidenceFile, 'f')
    .where('f.uploaded_at < :before', { before })
    .andWhere((q) => {
      const sub = q.subQuery().select('1').from(EvidenceAttachment, 'a').where('a.file_id = f.id').getQuery();
      return `NOT EXISTS ${sub}`;
    })
    .orderBy('f.uploaded_at', 'ASC')
    .take(take)
    .getMany();
}

/**
 * Records' files, in the order they were attached (each attachment once: a file attached by two steps shows twice),
 * for one record or several of a kind in one statement.
 */
export async function attachmentsOf(
  m: EntityManager,
  brigadeId: number,
  recordType: string,
  recordIds: number | readonly number[],
): Promise<Array<{ attachment: EvidenceAttachment; file: EvidenceFile }>> {
  const ids = typeof recordIds === 'number' ? [recordIds] : [...recordIds];
  if (!ids.length) return [];
  const attachments = await m
    .createQueryBuilder(EvidenceAttachment, 'a')
    .innerJoinAndMapOne('a.file', EvidenceFile, 'f', 'f.id = a.file_id')
    .where('a.brigade_id = :brigadeId', { brigadeId })
    .andWhere('a.record_type = :recordType', { recordType })
    .andWhere('a.record_id IN (:...ids)', { ids })
    .orderBy('a.id', 'ASC')
    .getMany();
  return attachments.flatMap((attachment) => (attachment.file ? [{ attachment, file: attachment.file }] : []));
}

/**
 * The brigade's files of `ids`, read with a shared lock (MySQL/MariaDB): a step attaching them and the orphan sweep
 * deleting them wait for each other — the step then finds a deleted file gone (a refusal, not a foreign-key error),
 * the sweep finds an attached file attached.
 */
export function filesToAttach(m: EntityManager, brigadeId: number, ids: string[]): Promise<EvidenceFile[]> {
  return lockedForRead(
    m,
    m
      .createQueryBuilder(EvidenceFile, 'f')
      .where({ id: In(ids) })
      .andWhere('f.brigade_id = :brigadeId', { brigadeId }),
  ).getMany();
}

/**
 * Deletes a file only if nothing is attached to it, in one statement (its subquery reads what is committed, under
 * the file row's lock): an attachment made meanwhile keeps the file — and is never removed with it by the cascade.
 */
export async function deleteIfUnattached(m: EntityManager, id: string): Promise<boolean> {
  const res = await m
    .createQueryBuilder()
    .delete()
    .from(EvidenceFile)
    .where('id = :id', { id })
    .andWhere('NOT EXISTS (SELECT 1 FROM evidence_attachments a WHERE a.file_id = :id)', { id })
    .execute();
  return (res.affected ?? 0) > 0;
}
