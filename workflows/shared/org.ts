/** The kinds of squad a brigade has (SPEC §2): street, commercial district, scenic area, mobile. */
export const SQUAD_KINDS = ['street', 'commercial', 'scenic', 'mobile'] as const;
export type SquadKind = (typeof SQUAD_KINDS)[number];
