import request from 'supertest';
import sharp from 'sharp';
import { operationIn, rowCounts, systemActorOf } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { type Agent, csrfOf, fieldValue, signedIn } from '../support/web';
import { executable, jpegPhoto, pdfDocument } from '../support/files';
import { materials, registerCase } from '../support/transfers';
import { reportProblem, sendProblem } from '../support/problems';

/** Issue 13: photos as evidence in the web's forms and pages (no script: plain multipart posts). */

let t: TestApp;

/** A demo user as the domain knows them (for reading what a record holds). */
async function principalOf(username: string) {
  const brigade = await t.services.org.brigadeByCode('huangpu');
  const found = await t.services.org.userByUsername(brigade.id, username);
  if (!found) throw new Error(`no user ${username}`);
  return t.services.org.principalFor(found.user.id);
}

/** Small enough that a too-large photo is cheap to send. */
const MAX_BYTES = 200_000;

beforeAll(async () => {
  t = await startTestApp({ config: { files: { maxBytes: MAX_BYTES } } });
});
afterAll(async () => {
  await t.close();
});
afterEach(() => {
  expect(t.logged).toEqual([]);
});

/** Sends an operation's step form as a browser without script does: multipart, the photos (full size) after the fields. */
async function postStep(
  agent: Agent,
  id: number,
  type: string,
  fields: Record<string, string | string[]>,
  photos: Array<{ body: Buffer; name: string }> = [],
) {
  const page = (await agent.get(`/operations/${id}`).expect(200)).text;
  let req = agent
    .post(`/operations/${id}/events/${type}`)
    .field('_csrf', csrfOf(page))
    .field('expectedVersion', fieldValue(page, 'expectedVersion') ?? '');
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) req = req.field(k, one);
  for (const p of photos) req = req.attach('photos', p.body, p.name);
  return req;
}

describe('a step form with photos, without script', () => {
  it('is a multipart form with the camera input, and a post without photos works as before', async () => {
    const { id } = await operationIn(t, 'holding');
    const keeper = await signedIn(t, 'waitan.leader');
    const page = (await keeper.get(`/operations/${id}`).expect(200)).text;
    const form = /<form[^>]*data-event="LOG_HOLDING_CHECK"[^>]*>/.exec(page)?.[0] ?? '';
    expect(form).toContain('enctype="multipart/form-data"');
    expect(page).toMatch(
      /<input type="file" name="photos" accept="image\/\*,application\/pdf" capture="environment" multiple/,
    );
    expect(page).toContain('<progress class="upload-progress"');
    const res = await postStep(keeper, id, 'LOG_HOLDING_CHECK', {
      date: fieldValue(page, 'date') ?? '',
      officersOnPost: '3',
      notes: '岗点有人值守',
    });
    expect(res.status).toBe(303);
    const api = (await t.as('duty').get(`/api/v1/operations/${id}`).expect(200)).body;
    expect(api.holdingRecords).toMatchObject([{ kind: 'holding_check', officersOnPost: 3, notes: '岗点有人值守' }]);
  });

  it('a refused multipart form comes back with what was typed', async () => {
    const { id } = await operationIn(t, 'holding');
    const keeper = await signedIn(t, 'waitan.leader');
    const before = await rowCounts(t);
    const res = await postStep(keeper, id, 'LOG_HOLDING_CHECK', { date: '', officersOnPost: '3', notes: '未见回潮' });
    expect(res.status).toBe(400);
    expect(await rowCounts(t)).toEqual(before);
    expect(res.text).toMatch(/<textarea name="notes"[^>]*>未见回潮<\/textarea>/);
  });
});

describe('a multipart post from someone not signed in', () => {
  it('is refused without its body being read', async () => {
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c33' } })
      .jpeg()
      .toBuffer();
    const res = await request(t.app)
      .post('/operations/1/events/LOG_HOLDING_CHECK')
      .field('_csrf', 'x')
      .field('notes', 'anonymous')
      .attach('photos', photo, 'x.jpg');
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('anonymous');
  });
});

/** The operation's page, as its reader sees it. */
async function pageOf(agent: Agent, id: number): Promise<string> {
  return (await agent.get(`/operations/${id}`).expect(200)).text;
}

/** The file ids an operation's page shows as thumbnails (in the record's evidence section). */
function thumbnailIds(html: string, scope: RegExp): string[] {
  const part = scope.exec(html)?.[0] ?? '';
  return [...part.matchAll(/<img src="\/files\/([0-9a-f-]{36})\/thumbnail"/g)].map((m) => m[1]);
}
const EVIDENCE_SECTION = /<section class="evidence"[\s\S]*?<\/section>/;
const HOLDING_STEP = /<li data-event="LOG_HOLDING_CHECK">[\s\S]*?<\/li>\s*(?=<li data-event|<\/ol>)/;

describe('a holding check with photos, without script', () => {
  it('uploads each photo, attaches it with the step, and shows it on the page and beside the step in the history', async () => {
    const { id } = await operationIn(t, 'holding');
    const keeper = await signedIn(t, 'waitan.leader');
    const date = fieldValue(await pageOf(keeper, id), 'date') ?? '';
    const taken = '2026:11:02 08:15:00';
    const res = await postStep(keeper, id, 'LOG_HOLDING_CHECK', { date, officersOnPost: '2', notes: '两岗有人' }, [
      { body: await jpegPhoto({ takenAt: taken, offset: '+08:00' }), name: 'IMG_0001.jpg' },
      { body: await jpegPhoto({ colour: '#a33' }), name: 'IMG_0002.jpg' },
    ]);
    expect(res.status).toBe(303);
    const attached = await t.services.files.forRecord(await principalOf('waitan.leader'), 'operation', id);
    expect(attached.map((f) => [f.originalName, f.eventType])).toEqual([
      ['IMG_0001.jpg', 'LOG_HOLDING_CHECK'],
      ['IMG_0002.jpg', 'LOG_HOLDING_CHECK'],
    ]);
    const ids = attached.map((f) => f.id);
    // Another reader of the operation sees them: on the page, and beside the step that attached them.
    const duty = await signedIn(t, 'duty');
    const page = await pageOf(duty, id);
    expect(thumbnailIds(page, EVIDENCE_SECTION)).toEqual(ids);
    expect(thumbnailIds(page, HOLDING_STEP)).toEqual(ids);
    expect(page).toContain(`<a href="/files/${ids[0]}"`);
    expect(page).toContain('alt="照片 1 · 拍摄于 2026-11-02 08:15"');
    expect(page).toContain('alt="照片 2"');
    // Printed, a list: name, kind, when taken, the SHA-256's first characters.
    const printed = /<table class="evidence-print[\s\S]*?<\/table>/.exec(EVIDENCE_SECTION.exec(page)?.[0] ?? '')?.[0];
    expect(printed).toContain('IMG_0001.jpg');
    expect(printed).toContain('2026-11-02 08:15');
    expect(printed).toContain(`<code>${attached[0].sha256.slice(0, 12)}</code>`);
    // The thumbnail and the full size answer the page's reader.
    const thumb = await duty.get(`/files/${ids[0]}/thumbnail`).expect(200);
    expect(thumb.headers['content-type']).toMatch(/^image\//);
  });

  it('a photo taken days before the holding check is marked so', async () => {
    const { id } = await operationIn(t, 'holding');
    const keeper = await signedIn(t, 'waitan.leader');
    const date = fieldValue(await pageOf(keeper, id), 'date') ?? '';
    // The photo was taken on 30 October at 10:00 (Shanghai); the step is recorded days later (the test clock).
    const old = await jpegPhoto({ takenAt: '2026:10:30 10:00:00', offset: '+08:00', colour: '#777' });
    const res = await postStep(keeper, id, 'LOG_HOLDING_CHECK', { date, officersOnPost: '1' }, [
      { body: old, name: 'old.jpg' },
    ]);
    expect(res.status).toBe(303);
    const section = EVIDENCE_SECTION.exec(await pageOf(keeper, id))?.[0] ?? '';
    expect(section).toContain('拍摄于 2026-10-30 10:00');
    const days = Math.floor((t.clock.now().getTime() - Date.parse('2026-10-30T10:00:00+08:00')) / 86_400_000);
    expect(days).toBeGreaterThanOrEqual(4);
    expect(section).toContain(`data-testid="taken-long-before">拍摄时间早于登记 ${days} 天<`);
  });

  it('a refused form keeps the photos uploaded with it: ticked, with their thumbnails, sent again without picking them again', async () => {
    const { id } = await operationIn(t, 'holding');
    const keeper = await signedIn(t, 'waitan.leader');
    const page = await pageOf(keeper, id);
    const before = await rowCounts(t);
    const refused = await postStep(
      keeper,
      id,
      'LOG_HOLDING_CHECK',
      { date: '', officersOnPost: '2', notes: '未见回潮' },
      [{ body: await jpegPhoto({ colour: '#36c' }), name: 'kept.jpg' }],
    );
    expect(refused.status).toBe(400);
    expect(await rowCounts(t)).toEqual(before);
    const kept = [
      ...refused.text.matchAll(/<input type="checkbox" name="files" value="([0-9a-f-]{36})" checked>/g),
    ].map((m) => m[1]);
    expect(kept).toHaveLength(1);
    expect(refused.text).toContain(`<img src="/files/${kept[0]}/thumbnail"`);
    // Nobody else sees a photo attached to nothing.
    await (await signedIn(t, 'duty')).get(`/files/${kept[0]}/thumbnail`).expect(404);
    const sent = await postStep(keeper, id, 'LOG_HOLDING_CHECK', {
      date: fieldValue(page, 'date') ?? '',
      officersOnPost: '2',
      notes: '未见回潮',
      files: kept,
    });
    expect(sent.status).toBe(303);
    const attached = await t.services.files.forRecord(await principalOf('waitan.leader'), 'operation', id);
    expect(attached.map((f) => f.id)).toEqual(kept);
  });

  it('a photo over files.maxBytes is refused beside the photos field, with what was typed kept', async () => {
    const { id } = await operationIn(t, 'holding');
    const keeper = await signedIn(t, 'waitan.leader');
    const before = await rowCounts(t);
    const res = await postStep(
      keeper,
      id,
      'LOG_HOLDING_CHECK',
      { date: '2026-11-03', officersOnPost: '2', notes: '照片太大' },
      [{ body: Buffer.concat([await jpegPhoto(), Buffer.alloc(MAX_BYTES)]), name: 'huge.jpg' }],
    );
    expect(res.status).toBe(400);
    expect(await rowCounts(t)).toEqual(before);
    expect(res.text).toContain(
      'data-error-for="photos">文件太大：每个文件不超过 1 MB</span>'.replace(
        '1 MB',
        `${Math.max(1, Math.floor(MAX_BYTES / 1_048_576))} MB`,
      ),
    );
    expect(res.text).toMatch(/<textarea name="notes"[^>]*>照片太大<\/textarea>/);
  });

  it('a file that is not a photo (a renamed program) is refused by name beside the photos field', async () => {
    const { id } = await operationIn(t, 'holding');
    const keeper = await signedIn(t, 'waitan.leader');
    const res = await postStep(keeper, id, 'LOG_HOLDING_CHECK', { date: '2026-11-03', officersOnPost: '2' }, [
      { body: executable(), name: 'photo.jpg' },
    ]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('data-error-for="photos">“photo.jpg”不是照片或 PDF 文件，未上传</span>');
  });

  it('the inspector’s audit form shows the holding checks’ photos by day', async () => {
    const { id } = await operationIn(t, 'holding');
    const keeper = await signedIn(t, 'waitan.leader');
    const date = fieldValue(await pageOf(keeper, id), 'date') ?? '';
    await postStep(keeper, id, 'LOG_HOLDING_CHECK', { date, officersOnPost: '2' }, [
      { body: await jpegPhoto({ colour: '#9a3' }), name: 'day1.jpg' },
    ]).then((r) => expect(r.status).toBe(303));
    const [file] = await t.services.files.forRecord(await principalOf('waitan.leader'), 'operation', id);
    // Holding is over (the oversight job's step): the audit is the inspector's.
    t.clock.advance(8 * 24 * 3_600_000);
    await t.services.engine.send(t.services.workflows.operation, id, await systemActorOf(t), {
      type: 'HOLDING_ELAPSED',
    });
    const page = await pageOf(await signedIn(t, 'inspector'), id);
    for (const type of ['AUDIT_PASS', 'AUDIT_FAIL']) {
      const form = new RegExp(`<form[^>]*data-event="${type}"[\\s\\S]*?</form>`).exec(page)?.[0] ?? '';
      const byDay = /<section class="holding-photos"[\s\S]*?<\/section>/.exec(form)?.[0] ?? '';
      expect(byDay).toContain(`<h4>${date}</h4>`);
      expect(byDay).toContain(`<img src="/files/${file.id}/thumbnail"`);
    }
  });
});

/** Sends a record's create form as a browser without script does: the page's token, the fields, then the photos. */
async function postForm(
  agent: Agent,
  from: string,
  action: string,
  fields: Record<string, string | string[]>,
  photos: Array<{ body: Buffer; name: string }>,
) {
  const page = (await agent.get(from).expect(200)).text;
  expect(/<form[^>]*enctype="multipart\/form-data"/.test(page)).toBe(true);
  let req = agent.post(action).field('_csrf', csrfOf(page));
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) req = req.field(k, one);
  for (const p of photos) req = req.attach('photos', p.body, p.name);
  return req;
}

/** The thumbnails of a record's page's evidence section and of its history (each id once per place). */
async function shown(agent: Agent, path: string) {
  const html = (await agent.get(path).expect(200)).text;
  const timeline = /<ol class="timeline-list"[\s\S]*?<\/ol>/.exec(html)?.[0] ?? '';
  return { section: thumbnailIds(html, EVIDENCE_SECTION), timeline: thumbnailIds(timeline, /[\s\S]*/) };
}

describe('the other forms that take evidence', () => {
  it('a hard problem reported with a photo and a PDF shows both on its page and in its history', async () => {
    const officer = await signedIn(t, 'waitan.officer');
    const res = await postForm(
      officer,
      '/problems/new',
      '/problems',
      {
        confirmNew: '1',
        source: 'community',
        category: 'street_vending',
        title: '香港路口夜市占道',
        location: '香港路 四川中路口',
        description: '居委反映每晚占道',
        squads: ['waitan', 'nanjingdonglu'],
      },
      [
        { body: await jpegPhoto({ colour: '#b52' }), name: 'stall.jpg' },
        { body: pdfDocument('complaint'), name: 'complaint.pdf' },
      ],
    );
    expect(res.status).toBe(303);
    const id = Number(/\/problems\/(\d+)/.exec(res.headers.location)?.[1]);
    const html = (await officer.get(`/problems/${id}`).expect(200)).text;
    const section = EVIDENCE_SECTION.exec(html)?.[0] ?? '';
    // The photo as a thumbnail, the PDF by its name; both open full size.
    expect(thumbnailIds(section, /[\s\S]*/)).toHaveLength(1);
    expect(section).toContain('文件 2 · complaint.pdf');
    expect([...section.matchAll(/<a href="\/files\/[0-9a-f-]{36}"/g)]).toHaveLength(2);
  });

  it('a report that turns out to be a resolved problem come back takes its photos to the rebound', async () => {
    const resolved = (await reportProblem(t, { location: '汉口路·山西南路口', title: '汉口路口摊贩' })).id;
    await sendProblem(t, resolved, await sendProblem(t, resolved, 1, 'ACCEPT'), 'RESOLVE', { note: '已清' });
    const officer = await signedIn(t, 'waitan.officer');
    const res = await postForm(
      officer,
      '/problems/new',
      '/problems',
      {
        source: 'community',
        category: 'street_vending',
        title: '汉口路口又有摊贩',
        location: '汉口路·山西南路口',
        description: '居民再次反映',
        squads: ['waitan', 'nanjingdonglu'],
      },
      [{ body: await jpegPhoto({ colour: '#c5c' }), name: 'again.jpg' }],
    );
    // Likely duplicates first (§3.4): the resolved one is offered a rebound, carrying the photo just uploaded.
    expect(res.status).toBe(200);
    const rebound =
      new RegExp(`<form method="post" action="/problems/${resolved}/events/REBOUND"[\\s\\S]*?</form>`).exec(
        res.text,
      )?.[0] ?? '';
    const carried = [...rebound.matchAll(/name="files" value="([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(carried).toHaveLength(1);
    const sent = await officer
      .post(`/problems/${resolved}/events/REBOUND`)
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(csrfOf(res.text))}&expectedVersion=${/name="expectedVersion" value="(\d+)"/.exec(rebound)?.[1]}` +
          `&origin=holding&note=${encodeURIComponent('居民再次反映')}&files=${carried[0]}`,
      );
    expect(sent.status).toBe(303);
    expect(await shown(officer, `/problems/${resolved}`)).toEqual({ section: carried, timeline: carried });
  });

  it('a refused border notice keeps its photo; sent again, the notice has it', async () => {
    const officer = await signedIn(t, 'waitan.officer');
    const bad = await postForm(
      officer,
      '/border-notices/new',
      '/border-notices',
      { location: '九江路口', what: '摊贩流窜到对方辖区', squads: ['waitan'] },
      [{ body: await jpegPhoto({ colour: '#25b' }), name: 'border.jpg' }],
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/data-error-for="squads"/);
    const kept = [...bad.text.matchAll(/name="files" value="([0-9a-f-]{36})" checked/g)].map((m) => m[1]);
    expect(kept).toHaveLength(1);
    const ok = await postForm(
      officer,
      '/border-notices/new',
      '/border-notices',
      { location: '九江路口', what: '摊贩流窜到对方辖区', squads: ['waitan', 'nanjingdonglu'], files: kept },
      [],
    );
    expect(ok.status).toBe(303);
    const id = Number(/\/border-notices\/(\d+)/.exec(ok.headers.location)?.[1]);
    expect(await shown(await signedIn(t, 'nanjingdonglu.leader'), `/border-notices/${id}`)).toEqual({
      section: kept,
      timeline: kept,
    });
  });

  it('goods registered with a photo of their condition, and returned with the signed receipt', async () => {
    const { id: op } = await operationIn(t, 'in_progress');
    const leader = await signedIn(t, 'waitan.leader');
    const res = await postForm(
      leader,
      `/goods/new?operation=${op}`,
      '/goods',
      {
        operation: String(op),
        'party[name]': '李某',
        'party[stall]': '九江路 100 号门前',
        'items[0][description]': '三轮车（蓝色）',
        'items[0][quantity]': '1',
        'items[0][unit]': '辆',
        'items[0][custodianSquad]': 'waitan',
        'items[0][storagePlace]': '外滩中队仓库',
      },
      [{ body: await jpegPhoto({ colour: '#5b2' }), name: 'cart.jpg' }],
    );
    expect(res.status).toBe(303);
    const api = (await t.as('waitan.leader').get(`/api/v1/goods?operation=${op}`).expect(200)).body;
    const item = api.items[0].id as number;
    const registered = await shown(leader, `/goods/${item}`);
    expect(registered.section).toHaveLength(1);
    // The detention list, printed, lists the photo (file, when taken, SHA-256 prefix) instead of showing it.
    const party = /party=(\d+)/.exec(res.headers.location)?.[1];
    const list = (await leader.get(`/goods/print/${op}/${party}`).expect(200)).text;
    const listed = /<table class="evidence-print small"[\s\S]*?<\/table>/g;
    expect([...list.matchAll(listed)].map((m) => m[0].includes('cart.jpg'))).toEqual([true, true]);
    const page = (await leader.get(`/goods/${item}`).expect(200)).text;
    const returned = await leader
      .post(`/goods/${item}/events/RETURN_TO_OWNER`)
      .field('_csrf', csrfOf(page))
      .field('expectedVersion', /name="expectedVersion" value="(\d+)"/.exec(page)?.[1] ?? '')
      .field('receivedBy', '李某')
      .attach('photos', await jpegPhoto({ colour: '#ddd' }), 'receipt.jpg');
    expect(returned.status).toBe(303);
    const after = await shown(leader, `/goods/${item}`);
    expect(after.section).toHaveLength(2);
    // The history is newest first: the receipt's step, then the registration's.
    expect(after.timeline).toEqual([...after.section].reverse());
  });

  it('a transfer proposed with the package’s scanned records shows them on its page', async () => {
    const caseId = await registerCase(t);
    const leader = await signedIn(t, 'waitan.leader');
    const fields: Record<string, string> = { case: String(caseId), toSquad: 'nanjingdonglu', note: '发生地在对方辖区' };
    for (const m of materials()) {
      fields[`materials[${m.code}][count]`] = String(m.count);
      fields[`materials[${m.code}][description]`] = m.description;
    }
    const res = await postForm(leader, `/transfers/new?case=${caseId}`, '/transfers', fields, [
      { body: pdfDocument('inquiry'), name: 'inquiry.pdf' },
      { body: await jpegPhoto({ colour: '#e80' }), name: 'scene.jpg' },
    ]);
    expect(res.status).toBe(303);
    const id = Number(/\/transfers\/(\d+)/.exec(res.headers.location)?.[1]);
    const html = (await (await signedIn(t, 'nanjingdonglu.leader')).get(`/transfers/${id}`).expect(200)).text;
    const section = EVIDENCE_SECTION.exec(html)?.[0] ?? '';
    expect(section).toContain('inquiry.pdf');
    expect(thumbnailIds(section, /[\s\S]*/)).toHaveLength(1);
  });
});
