import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A month's figures, kept once the month is over (SPEC §5): the raw facts of
 * one fact set for one scope (`brigade`, `group:<id>`, `squad:<id>`, `squads`)
 * as JSON. `factsKey` names what they were computed with (the code of the
 * queries, the time zone, the group's squads): a row under another key is not
 * read. A row is trusted only while no workflow instance that could touch the
 * month has changed since `computedAt` (see src/domain/figures/month-facts.ts).
 */
@Entity('figure_month_facts')
export class FigureMonthFacts {
  @PrimaryColumn({ type: 'integer' })
  brigadeId!: number;

  @PrimaryColumn({ type: 'varchar', length: 60 })
  scopeKey!: string;

  @PrimaryColumn({ type: 'varchar', length: 7 })
  month!: string;

  @Column({ type: 'varchar', length: 64 })
  factsKey!: string;

  @Column({ type: 'text' })
  facts!: string;

  @Column({ type: 'datetime' })
  computedAt!: Date;
}
