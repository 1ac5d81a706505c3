import request from 'supertest';
import sharp from 'sharp';
import { operationIn, rowCounts } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';
import { type Agent, csrfOf, fieldValue, signedIn } from '../support/web';

/** Issue 13: photos as evidence in the web's forms and pages (no script: plain multipart posts). */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
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
