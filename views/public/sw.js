// The service worker (issue 13), served at /sw.js so its scope is the whole site. It keeps:
// - the app shell (the styles, the scripts, the icon, the offline page), and
// - for the signed-in user only, the pages /holding/offline-manifest.json lists: the holding page and the operations
//   in holding they log or spot-check, and the border notice form — refreshed as they are visited.
// Pages: network first, then the kept copy, then the offline page. It never keeps a POST, /api, /files, the sign-in
// pages or anything of another user: on sign-out (POST /logout) and whenever a page says another user (or nobody) is
// signed in, the previous user's pages are deleted before anything else is kept.
'use strict';

const SHELL = 'liandong-shell-v1';
const PAGES = 'liandong-pages';
const STATE = 'liandong-sw-state';
const STATE_KEY = '/__liandong-sw-state';
const SHELL_FILES = [
  '/static/app.css',
  '/static/app.js',
  '/static/submit.js',
  '/static/print.css',
  '/static/favicon.svg',
  '/offline',
];
/** Kept when there (the evidence forms' script, the phone layout's style and script). */
const SHELL_MAYBE = ['/static/evidence.js', '/static/phone.css', '/static/phone.js'];
const MANIFEST = '/holding/offline-manifest.json';
/** Never answered from a cache, never kept. */
const NEVER = ['/api/', '/files/', '/login', '/logout', '/lang/', '/sw.js', MANIFEST];
/** How old the kept pages may be before a page's visit refreshes them (sooner when asked: /holding, back online). */
const REFRESH_MS = 60_000;
const STALE_MS = 10 * 60_000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      // Without cookies: none of these is anyone's, and no answer to the worker may set one.
      const bare = (url) => new Request(url, { credentials: 'omit' });
      await cache.addAll(SHELL_FILES.map(bare));
      await Promise.all(SHELL_MAYBE.map((url) => cache.add(bare(url)).catch(() => undefined)));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('liandong-shell-') && name !== SHELL) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// ------------------------------------------------------------------ whose pages are kept

async function readState() {
  const hit = await (await caches.open(STATE)).match(STATE_KEY);
  return hit ? hit.json() : { user: '', urls: [], at: 0 };
}

async function writeState(state) {
  const body = JSON.stringify(state);
  await (
    await caches.open(STATE)
  ).put(STATE_KEY, new Response(body, { headers: { 'Content-Type': 'application/json' } }));
}

/** One change of the kept pages at a time (messages and sign-outs may cross). */
let chain = Promise.resolve();
const serial = (fn) => (chain = chain.then(fn, fn));

async function forget() {
  await caches.delete(PAGES);
  await writeState({ user: '', urls: [], at: 0 });
}

/** A page says who is signed in: another user than before (or nobody) first clears the kept pages. */
async function userIs(user, soon) {
  const state = await readState();
  if (state.user !== user) {
    await forget();
    await writeState({ user, urls: [], at: 0 });
  } else if (state.at && Date.now() - state.at < (soon ? REFRESH_MS : STALE_MS)) return;
  if (user) await keepPages(user);
}

const decodeHtml = (s) =>
  s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCharCode(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Keeps a page's answer only if it is a whole page of `user`'s (its liandong-user meta says so). */
async function keepIfTheirs(cache, path, res, user) {
  if (!res.ok || res.redirected || !(res.headers.get('content-type') ?? '').includes('text/html')) return;
  const html = await res.clone().text();
  const m = /<meta name="liandong-user" content="([^"]*)">/.exec(html);
  if (!m || decodeHtml(m[1]) !== user) return;
  await cache.put(path, res);
}

/** Fetches the user's list of pages to keep and keeps each; pages no longer listed are dropped. */
async function keepPages(user) {
  let manifest;
  try {
    const res = await fetch(MANIFEST, { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return;
    manifest = await res.json();
  } catch {
    return;
  }
  if (manifest.user !== user) return;
  const cache = await caches.open(PAGES);
  for (const req of await cache.keys()) {
    if (!manifest.urls.includes(new URL(req.url).pathname)) await cache.delete(req);
  }
  await Promise.all(
    manifest.urls.map(async (path) => {
      try {
        await keepIfTheirs(cache, path, await fetch(path, { credentials: 'same-origin', cache: 'no-store' }), user);
      } catch {
        // Unreachable now: the copy kept before stays.
      }
    }),
  );
  // Someone else may have signed in while these were fetched: their message cleared the state; keep nothing then.
  const now = await readState();
  if (now.user !== user) {
    await caches.delete(PAGES);
    return;
  }
  await writeState({ user, urls: manifest.urls, at: Date.now() });
}

self.addEventListener('message', (event) => {
  const data = event.data ?? {};
  const user = typeof data.user === 'string' ? data.user : '';
  if (data.type === 'user') event.waitUntil(serial(() => userIs(user, data.page === '/holding')));
  else if (data.type === 'refresh') event.waitUntil(serial(() => userIs(user, true)));
  else if (data.type === 'logout') event.waitUntil(serial(forget));
});

// ------------------------------------------------------------------ answering

/** A kept copy, marked as such (X-Liandong-Offline-Copy) for whoever looks. */
function offlineCopy(res) {
  const headers = new Headers(res.headers);
  headers.set('X-Liandong-Offline-Copy', '1');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function staticFile(event) {
  try {
    const res = await fetch(event.request);
    if (res.ok) {
      const copy = res.clone();
      event.waitUntil(caches.open(SHELL).then((c) => c.put(new URL(event.request.url).pathname, copy)));
    }
    return res;
  } catch {
    const hit = await caches.match(new URL(event.request.url).pathname, { cacheName: SHELL });
    return hit ?? Response.error();
  }
}

async function page(event, url) {
  const path = url.pathname;
  const state = await readState();
  const kept = state.user !== '' && state.urls.includes(path);
  try {
    const res = await fetch(event.request);
    // The page itself, not an answer with a one-off line (?done=…): that is what is shown offline.
    if (kept && url.search === '') {
      const copy = res.clone();
      event.waitUntil(
        serial(async () => {
          // Only while the same user is signed in (a sign-out may have come in between).
          if ((await readState()).user === state.user)
            await keepIfTheirs(await caches.open(PAGES), path, copy, state.user);
        }),
      );
    }
    return res;
  } catch {
    // The kept pages are the signed-in user's only (cleared when the user changes), so a copy there is theirs even
    // while the list of what to keep is still being written.
    const hit = state.user !== '' ? await caches.match(path, { cacheName: PAGES }) : undefined;
    if (hit) return offlineCopy(hit);
    const fallback = await caches.match('/offline', { cacheName: SHELL });
    return fallback ? offlineCopy(fallback) : Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method !== 'GET') {
    // Signing out forgets this user's pages (the page tells too; this also covers a page without script).
    if (req.method === 'POST' && url.pathname === '/logout') event.waitUntil(serial(forget));
    return;
  }
  if (NEVER.some((p) => url.pathname === p || url.pathname.startsWith(p))) return;
  if (url.pathname.startsWith('/static/')) event.respondWith(staticFile(event));
  else if (req.mode === 'navigate') event.respondWith(page(event, url));
});
