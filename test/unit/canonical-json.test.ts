import { canonicalJson } from '../../src/engine/canonical-json';
import {
  canonicalStep,
  canonicalTime,
  GENESIS_HASH,
  payloadValue,
  stepHash,
  type HashedStep,
} from '../../src/engine/history-hash';

describe('canonical JSON', () => {
  it('sorts keys at every depth and leaves no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('writes 4 and 4.0 alike, as JSON text read back gives them', () => {
    expect(canonicalJson(JSON.parse('{"h":4.0,"k":4.50,"e":1E2,"n":-0}'))).toBe('{"e":100,"h":4,"k":4.5,"n":0}');
    expect(canonicalJson({ h: 4 })).toBe(canonicalJson(JSON.parse('{"h":4.0}')));
  });

  it('keeps a null and leaves out an undefined: null and absent are different content', () => {
    expect(canonicalJson({ reason: null })).toBe('{"reason":null}');
    expect(canonicalJson({ reason: undefined })).toBe('{}');
    expect(canonicalJson([undefined, () => 1])).toBe('[null,null]');
    expect(canonicalJson({ x: Number.NaN, y: Infinity })).toBe('{"x":null,"y":null}');
  });

  it('writes Chinese text as itself, and escapes only what JSON must', () => {
    expect(canonicalJson({ 标题: '中山东一路无证设摊联合整治', q: 'a"b\\c\n' })).toBe(
      '{"q":"a\\"b\\\\c\\n","标题":"中山东一路无证设摊联合整治"}',
    );
  });

  it('sorts keys by UTF-16 code units (as RFC 8785 does)', () => {
    expect(canonicalJson({ b: 1, B: 2, 外: 3, '\u{1F693}': 4, a: 5 })).toBe('{"B":2,"a":5,"b":1,"外":3,"🚓":4}');
  });

  it('gives any payload the same text as its stored JSON read back (toJSON, Dates, nested arrays)', () => {
    const payloads: unknown[] = [
      {
        type: 'x',
        at: new Date('2026-11-02T01:00:00.123Z'),
        results: [{ squad: 'waitan', officers: 6, note: undefined }],
        flag: true,
      },
      { nested: { deeper: { list: [1, 2.5, 'three', null, { b: 0, a: -1.25e-7 }] } } },
      [],
      {},
      { big: 12345678901234, tiny: 5e-324, neg: -0.1 },
    ];
    for (const p of payloads) expect(canonicalJson(p)).toBe(canonicalJson(JSON.parse(JSON.stringify(p))));
  });
});

describe('a history step’s canonical form and hash', () => {
  const step: HashedStep = {
    instanceId: 12,
    workflow: 'operation',
    brigadeId: 1,
    seq: 2,
    event: 'FILE',
    payload: { note: '请审批', hours: 4 },
    actorUserId: 7,
    actorName: '外滩中队领导',
    role: 'squad_leader',
    from: 'draft',
    to: 'filed',
    at: new Date('2026-11-02T01:00:05.999Z'),
    effectiveAt: new Date('2026-11-02T01:00:05.999Z'),
  };

  it('reads times to the whole second in UTC, floored as MariaDB keeps them, from a Date or SQLite’s text', () => {
    expect(canonicalTime(new Date('2026-11-02T01:00:05.999Z'))).toBe('2026-11-02T01:00:05Z');
    expect(canonicalTime('2026-11-02 01:00:05.999')).toBe('2026-11-02T01:00:05Z');
    expect(canonicalTime('2026-11-02 01:00:05')).toBe('2026-11-02T01:00:05Z');
    expect(canonicalTime('not a time')).toBe('invalid:not a time');
  });

  it('is exactly this text (the documented form)', () => {
    expect(canonicalStep(GENESIS_HASH, step)).toBe(
      '{"actor":{"id":7,"name":"外滩中队领导"},"at":"2026-11-02T01:00:05Z","effectiveAt":"2026-11-02T01:00:05Z","event":"FILE","from":"draft",' +
        '"payload":{"hours":4,"note":"请审批"},"prev":"0000000000000000000000000000000000000000000000000000000000000000",' +
        '"record":{"brigade":1,"id":12,"workflow":"operation"},"role":"squad_leader","seq":2,"to":"filed","v":1}',
    );
  });

  it('is the same whether the values come as written or as read back from either database (a known vector)', () => {
    const asReadFromSqlite = {
      ...step,
      payload: payloadValue('{"note":"请审批","hours":4.0}'),
      at: '2026-11-02 01:00:05.999',
      effectiveAt: '2026-11-02 01:00:05.999',
    };
    const asReadFromMariaDb = {
      ...step,
      payload: payloadValue('{"hours": 4, "note": "请审批"}'),
      at: new Date('2026-11-02T01:00:05Z'),
      effectiveAt: new Date('2026-11-02T01:00:05Z'),
    };
    // `printf '%s' '<the text above>' | sha256sum`
    const known = '678d2766aee00085cefa49515df24620fd98d1f993a42616d5a7cfd84ec8ef6e';
    expect(stepHash(GENESIS_HASH, step)).toBe(known);
    expect(stepHash(GENESIS_HASH, asReadFromSqlite)).toBe(known);
    expect(stepHash(GENESIS_HASH, asReadFromMariaDb)).toBe(known);
  });

  it('changes with any field, and with the previous hash', () => {
    const h = stepHash(GENESIS_HASH, step);
    const variants: Array<Partial<HashedStep>> = [
      { payload: { note: '请审批 ', hours: 4 } },
      { payload: { note: '请审批', hours: 4, reason: null } },
      { actorName: '外滩中队' },
      { actorUserId: null },
      { role: 'duty_officer' },
      { from: null },
      { to: 'draft' },
      { seq: 3 },
      { instanceId: 13 },
      { workflow: 'hard_problem' },
      { brigadeId: 2 },
      { event: 'RETURN' },
      { at: new Date('2026-11-02T01:00:06Z') },
      { effectiveAt: new Date('2026-11-02T01:00:04Z') },
    ];
    for (const v of variants)
      expect({ v, same: stepHash(GENESIS_HASH, { ...step, ...v }) === h }).toEqual({ v, same: false });
    expect(stepHash('1'.repeat(64), step)).not.toBe(h);
  });
});
