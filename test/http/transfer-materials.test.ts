import { operationIn } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { materials, registerCase } from '../support/transfers';
import { fieldValue, signIn } from '../support/web';

/**
 * R10: a transfer package missing a required material is refused, and the
 * refusal names the material as the user knows it — its name in their
 * language — never its code or the rule's id.
 */

let t: TestApp;
let caseId: number;

beforeAll(async () => {
  t = await startTestApp();
  caseId = await registerCase(t, 'waitan.leader', { operation: (await operationIn(t, 'in_progress')).id });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

const decode = (s: string) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"');
/** What a user reads of an API refusal: its message and the message beside each field. */
const userText = (error: { message: string; fields: Record<string, string>; problems?: Array<{ message: string }> }) =>
  [error.message, ...Object.values(error.fields), ...(error.problems ?? []).map((p) => p.message)].join('\n');

describe('a missing transfer material is named by its name (R10)', () => {
  it('through the API, in Chinese and in English', async () => {
    const body = {
      case: caseId,
      toSquad: 'nanjingdonglu',
      materials: materials(['transfer_letter', 'photos_video']),
      note: '发生地在对方辖区',
    };
    const zh = await t.as('waitan.leader').post('/api/v1/transfers', body).set('Accept-Language', 'zh-CN').expect(422);
    expect(zh.body.error.fields).toEqual({
      'materials.photos_video': '缺少必备材料（现场照片/视频），不能提出移送',
      'materials.transfer_letter': '缺少必备材料（案件移送函），不能提出移送',
    });
    // The codes stay where programs read them: the problem's field and params.
    expect(zh.body.error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'material_missing',
          field: 'materials.transfer_letter',
          rule: 'R10',
          params: { material: 'transfer_letter' },
        }),
      ]),
    );
    const en = await t.as('waitan.leader').post('/api/v1/transfers', body).set('Accept-Language', 'en').expect(422);
    expect(en.body.error.fields['materials.transfer_letter']).toBe(
      'Required material missing (Transfer letter): the transfer cannot be proposed',
    );
    expect(en.body.error.fields['materials.photos_video']).toBe(
      'Required material missing (On-site photos / video): the transfer cannot be proposed',
    );
    for (const error of [zh.body.error, en.body.error]) {
      expect(userText(error)).not.toMatch(/transfer_letter|photos_video|R10/);
    }
  });

  it('through the form, in Chinese and in English, the row of the missing material marked', async () => {
    const expected = {
      'zh-CN': '缺少必备材料（案件移送函），不能提出移送',
      en: 'Required material missing (Transfer letter): the transfer cannot be proposed',
    };
    for (const locale of ['zh-CN', 'en'] as const) {
      const web = await signIn(t, 'waitan.leader', 'liandong-demo', locale);
      const rows = Object.fromEntries(
        materials(['transfer_letter']).map((m) => [m.code, { count: String(m.count), description: m.description }]),
      );
      const res = await web.post(
        '/transfers',
        { case: String(caseId), toSquad: 'nanjingdonglu', note: '发生地在对方辖区', materials: rows },
        `/transfers/new?case=${caseId}`,
      );
      expect(res.status).toBe(422);
      const html = decode(res.text);
      expect(new RegExp('data-error-for="materials.transfer_letter"[^>]*>([^<]*)<').exec(html)?.[1]).toBe(
        expected[locale],
      );
      expect(html).not.toMatch(/>[^<]*transfer_letter[^<]*</);
      expect(fieldValue(res.text, 'materials[inquiry_record][count]')).toBe('2');
    }
  });
});
