import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

/**
 * Issue 13: evidence files (photos, PDFs) and what they are attached to. The
 * bytes live in the file store (a directory or an S3 bucket), once per
 * SHA-256; these rows say who uploaded what and which steps attached it.
 */
export class EvidenceFiles1796691600000 implements MigrationInterface {
  name = 'EvidenceFiles1796691600000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'evidence_files',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'brigade_id', type: 'integer' },
          { name: 'sha256', type: 'varchar', length: '64' },
          { name: 'bytes', type: 'integer' },
          { name: 'content_type', type: 'varchar', length: '100' },
          { name: 'width', type: 'integer', isNullable: true },
          { name: 'height', type: 'integer', isNullable: true },
          { name: 'taken_at', type: 'datetime', isNullable: true },
          { name: 'latitude', type: 'double', isNullable: true },
          { name: 'longitude', type: 'double', isNullable: true },
          { name: 'original_name', type: 'varchar', length: '255', isNullable: true },
          { name: 'thumbnail_type', type: 'varchar', length: '40', isNullable: true },
          { name: 'uploaded_by', type: 'integer' },
          { name: 'uploaded_at', type: 'datetime' },
        ],
        indices: [
          { name: 'IDX_evidence_files_sha256', columnNames: ['sha256'] },
          { name: 'IDX_evidence_files_uploaded', columnNames: ['uploaded_at'] },
          { name: 'IDX_evidence_files_brigade_uploader', columnNames: ['brigade_id', 'uploaded_by'] },
        ],
        foreignKeys: [
          { name: 'FK_evidence_files_brigade_id', columnNames: ['brigade_id'], referencedTableName: 'brigades', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' },
          { name: 'FK_evidence_files_uploaded_by', columnNames: ['uploaded_by'], referencedTableName: 'users', referencedColumnNames: ['id'], onDelete: 'RESTRICT', onUpdate: 'NO ACTION' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'evidence_attachments',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'file_id', type: 'varchar', length: '36' },
          { name: 'brigade_id', type: 'integer' },
          { name: 'record_type', type: 'varchar', length: '20' },
          { name: 'record_id', type: 'integer' },
          { name: 'history_seq', type: 'integer', isNullable: true },
          { name: 'event_type', type: 'varchar', length: '40', isNullable: true },
          { name: 'attached_by', type: 'integer' },
          { name: 'attached_at', type: 'datetime' },
        ],
        indices: [
          { name: 'IDX_evidence_attachments_record', columnNames: ['record_type', 'record_id', 'id'] },
          { name: 'IDX_evidence_attachments_file', columnNames: ['file_id'] },
        ],
        foreignKeys: [
          { name: 'FK_evidence_attachments_file_id', columnNames: ['file_id'], referencedTableName: 'evidence_files', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('evidence_attachments');
    await q.dropTable('evidence_files');
  }
}
