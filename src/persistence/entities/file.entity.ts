import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Brigade, User } from './org.entity';

/**
 * An evidence file (issue 13): a photo or a PDF someone uploaded. Its bytes
 * are a blob of the file store, kept once per content hash (`sha256`): two
 * uploads of the same photo are two rows and one blob. A file attached to no
 * record is its uploader's alone, and removed after `files.orphanHours`.
 */
@Entity('evidence_files')
@Index('IDX_evidence_files_sha256', ['sha256'])
@Index('IDX_evidence_files_uploaded', ['uploadedAt'])
@Index('IDX_evidence_files_brigade_uploader', ['brigadeId', 'uploadedBy'])
export class EvidenceFile {
  /** Opaque (a random UUID): a file's id says nothing of its neighbours. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'integer' })
  brigadeId!: number;

  @ManyToOne(() => Brigade, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'brigade_id', foreignKeyConstraintName: 'FK_evidence_files_brigade_id' })
  brigade?: Brigade;

  /** SHA-256 (hex) of the bytes: the blob's name in the store, and the ETag. */
  @Column({ type: 'varchar', length: 64 })
  sha256!: string;

  @Column({ type: 'integer' })
  bytes!: number;

  /** Judged from the content (image/jpeg, image/png, image/webp, image/heic, application/pdf). */
  @Column({ type: 'varchar', length: 100 })
  contentType!: string;

  /** As seen (EXIF orientation applied). */
  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  /** EXIF DateTimeOriginal (Asia/Shanghai local time unless the photo says its offset). */
  @Column({ type: 'datetime', nullable: true })
  takenAt!: Date | null;

  @Column({ type: 'double', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double', nullable: true })
  longitude!: number | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  originalName!: string | null;

  /** Content type of the thumbnail in the store (`thumb/<sha256>`); null: none (a PDF shows an icon). */
  @Column({ type: 'varchar', length: 40, nullable: true })
  thumbnailType!: string | null;

  @Column({ type: 'integer' })
  uploadedBy!: number;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'uploaded_by', foreignKeyConstraintName: 'FK_evidence_files_uploaded_by' })
  uploader?: User;

  @Column({ type: 'datetime' })
  uploadedAt!: Date;
}

/**
 * A file attached to a record by a step (issue 13): the operation's holding
 * check, an incident, a problem's report or rebound, a notice, goods' custody
 * step, a transfer's materials. Written in the step's own transaction.
 */
@Entity('evidence_attachments')
@Index('IDX_evidence_attachments_record', ['recordType', 'recordId', 'id'])
@Index('IDX_evidence_attachments_file', ['fileId'])
export class EvidenceAttachment {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 36 })
  fileId!: string;

  @ManyToOne(() => EvidenceFile, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'file_id', foreignKeyConstraintName: 'FK_evidence_attachments_file_id' })
  file?: EvidenceFile;

  @Column({ type: 'integer' })
  brigadeId!: number;

  /** operation, incident, problem, border_notice, goods, transfer. */
  @Column({ type: 'varchar', length: 20 })
  recordType!: string;

  @Column({ type: 'integer' })
  recordId!: number;

  /** The history step that attached it (the record's version after it), when a workflow step did. */
  @Column({ type: 'integer', nullable: true })
  historySeq!: number | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  eventType!: string | null;

  @Column({ type: 'integer' })
  attachedBy!: number;

  /** When the step happened (its effective time). */
  @Column({ type: 'datetime' })
  attachedAt!: Date;
}
