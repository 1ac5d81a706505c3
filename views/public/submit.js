// The one submit pipeline of the enhanced forms (form[data-enhanced]), issue 13. Progressive enhancement only:
// without this file every form posts as it always did.
//
// On submit: the body (LiandongEvidence.prepare(form) when views/public/evidence.js is there, which downscales photos;
// else the form as it is), sent by XHR with a fresh Idempotency-Key and the X-CSRF-Token, the upload's progress shown;
// then on to where the server sends (a 303), or the refused form as the server answers it, input kept.
// A form that may be filled in the street (data-offline: holding check, spot check, incident, border notice) is kept
// in IndexedDB when there is no connection, with its key, and sent when the connection returns — with that same key, so
// a resend after a lost answer never writes twice. A refusal on sending (409, 422 …) keeps the entry, with the reason,
// to be corrected and sent again, or deleted: nothing is dropped silently.
(() => {
  'use strict';

  const DB_NAME = 'liandong-outbox';
  const STORE = 'entries';
  const MANIFEST = '/holding/offline-manifest.json';

  const metaContent = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? '';
  /** Who is signed in on this page ('' on the sign-in page and the offline page). */
  const currentUser = () => metaContent('liandong-user');
  const outbox = () => document.getElementById('outbox');

  /** A text of the dictionaries, carried by the outbox partial as data-t-* attributes. */
  function say(key, params = {}) {
    const box = outbox();
    const name = 't' + key.replace(/(^|-)(\w)/g, (_, _dash, c) => c.toUpperCase());
    const text = box?.dataset[name] ?? '';
    return text.replace(/\{(\w+)\}/g, (whole, p) => (params[p] === undefined ? whole : String(params[p])));
  }

  // ------------------------------------------------------------------ IndexedDB: the entries kept to send

  function openDb() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  /** One request in its own transaction, resolved once the transaction has committed. */
  async function inStore(mode, fn) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = fn(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(req.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  const putEntry = (entry) => inStore('readwrite', (s) => s.put(entry));
  const getEntry = (id) => inStore('readonly', (s) => s.get(id));
  const deleteEntry = (id) => inStore('readwrite', (s) => s.delete(id));
  /** This user's entries, oldest first (another user's stay for them: never shown, never sent as this one). */
  async function myEntries(user = currentUser()) {
    if (!user || !('indexedDB' in window)) return [];
    const all = await inStore('readonly', (s) => s.getAll());
    return all.filter((e) => e.user === user).sort((a, b) => a.id - b.id);
  }

  // ------------------------------------------------------------------ sending

  const newKey = () =>
    crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;

  /**
   * The body of an entry: multipart when a file input has files, urlencoded otherwise. The form token goes in the
   * X-CSRF-Token header only, so a resend's body is the same bytes of fields as the first send (the key's check).
   */
  function bodyOf(fields) {
    const hasFiles = fields.some(([, v]) => v instanceof Blob && v.size > 0);
    if (hasFiles) {
      const fd = new FormData();
      for (const [k, v] of fields) {
        if (k === '_csrf') continue;
        if (v instanceof Blob) {
          if (v.size > 0) fd.append(k, v, v.name || 'photo.jpg');
        } else fd.append(k, v);
      }
      return fd;
    }
    const params = new URLSearchParams();
    for (const [k, v] of fields) if (k !== '_csrf' && typeof v === 'string') params.append(k, v);
    return params;
  }

  /** Posts an entry; resolves with the answer (after redirects), rejects when no answer came (no connection). */
  function post(entry, token, progress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', entry.action);
      xhr.setRequestHeader('Idempotency-Key', entry.key);
      xhr.setRequestHeader('X-CSRF-Token', token);
      xhr.setRequestHeader('Accept', 'text/html');
      xhr.timeout = 120_000;
      if (progress) {
        xhr.upload.onprogress = (e) => {
          if (e.lengthComputable) progress(e.loaded / e.total);
        };
      }
      xhr.onload = () =>
        resolve({
          status: xhr.status,
          url: xhr.responseURL,
          html: xhr.responseText,
          // A 409 with Retry-After: the same key is still being worked on (a send whose answer was lost), not a refusal.
          busy: xhr.status === 409 && xhr.getResponseHeader('Retry-After') !== null,
        });
      xhr.onerror = xhr.ontimeout = xhr.onabort = () => reject(new Error('no answer'));
      xhr.send(bodyOf(entry.fields));
    });
  }

  /** The refusal an answer page shows: its banner, each field's problem, else its heading. */
  function refusalOf(html, status) {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const banner = doc.querySelector('[data-testid=form-banner]')?.textContent.trim();
    const problems = [...doc.querySelectorAll('form [data-error-for], form .field-errors li')].map((el) => {
      const label = el.closest('label')?.querySelector('.label-text')?.textContent.trim();
      const text = el.textContent.trim();
      return label ? `${label.replace(/\s*\*$/, '')}：${text}` : text;
    });
    const heading = doc.querySelector('main h1')?.textContent.trim();
    return { status, reason: banner || heading || String(status), problems };
  }

  /** The form's upload progress bar (evidence forms have one), shown while it is sent. */
  function progressOf(form) {
    const bar = form.querySelector('progress.upload-progress');
    if (!bar) return null;
    bar.max = 100;
    bar.value = 0;
    bar.hidden = false;
    return (ratio) => {
      bar.value = Math.round(ratio * 100);
    };
  }

  /** The answer page in place of this one (the refused form with the input kept): the address stays the page's. */
  function showAnswer(html) {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    document.title = doc.title;
    if (doc.documentElement.lang) document.documentElement.lang = doc.documentElement.lang;
    for (const name of ['csrf-token', 'liandong-user']) {
      const fresh = doc.querySelector(`meta[name="${name}"]`);
      const mine = document.querySelector(`meta[name="${name}"]`);
      if (fresh && mine) mine.setAttribute('content', fresh.getAttribute('content') ?? '');
    }
    document.body.replaceWith(document.adoptNode(doc.body));
    const first =
      document.querySelector('form [aria-invalid="true"]') ??
      document.querySelector('form [data-error-summary]') ??
      document.querySelector('[data-testid=form-banner]') ??
      document.querySelector('main h1');
    if (first) {
      if (!first.matches('input, select, textarea, button, a[href]')) first.setAttribute('tabindex', '-1');
      first.focus();
    }
    document.dispatchEvent(new CustomEvent('liandong:page'));
  }

  /** What the form is called on its page (its summary or the page's heading). */
  function formLabel(form) {
    return (
      form.closest('details')?.querySelector('summary')?.textContent.trim() ??
      document.querySelector('main h1')?.textContent.trim() ??
      document.title
    );
  }

  /** Each field's label as the form shows it, to list a kept entry's values in the user's words. */
  function labelsOf(form) {
    const labels = {};
    for (const el of form.elements) {
      if (!el.name || el.type === 'hidden' || labels[el.name]) continue;
      // A list of checkboxes is named by its fieldset's legend; any other field by its label.
      const legend = el.type === 'checkbox' ? el.closest('fieldset')?.querySelector('legend') : null;
      const label =
        legend?.textContent ??
        el.closest('label')?.querySelector('.label-text')?.textContent ??
        el.closest('label')?.textContent ??
        '';
      labels[el.name] = label.replace(/\s*\*\s*$/, '').trim() || el.getAttribute('aria-label') || el.name;
    }
    return labels;
  }

  async function submitEnhanced(form, submitter) {
    if (form.dataset.sending === '1') return;
    form.dataset.sending = '1';
    const buttons = [...form.querySelectorAll('button[type=submit], button:not([type])')];
    for (const b of buttons) b.disabled = true;
    try {
      const fd =
        window.LiandongEvidence && typeof window.LiandongEvidence.prepare === 'function'
          ? await window.LiandongEvidence.prepare(form)
          : new FormData(form);
      if (submitter && submitter.name && !fd.has(submitter.name)) fd.append(submitter.name, submitter.value);
      const replaces = form.dataset.outboxEntry ? Number(form.dataset.outboxEntry) : undefined;
      const entry = {
        user: currentUser(),
        action: form.getAttribute('action') || location.pathname,
        page: location.pathname + location.search,
        // What it is about: the record of the card the form is in (the holding page), else the page's heading.
        title:
          form.closest('[data-operation]')?.querySelector('.card-title')?.textContent.trim() ??
          document.querySelector('main h1')?.textContent.trim() ??
          document.title,
        label: formLabel(form),
        labels: labelsOf(form),
        key: newKey(),
        createdAt: new Date().toISOString(),
        fields: [...fd.entries()],
        state: 'pending',
      };
      const offline = form.hasAttribute('data-offline') && Boolean(entry.user) && 'indexedDB' in window;
      if (offline && navigator.onLine === false) return await keep(entry, form, replaces);
      let answer;
      // From here on the server may have it: whatever breaks, the form is never posted a second time the plain way.
      form.dataset.posted = '1';
      try {
        answer = await post(entry, metaContent('csrf-token'), progressOf(form));
      } catch {
        if (offline) return await keep(entry, form, replaces);
        await renderOutbox(say('network'));
        return;
      }
      if (answer.status < 400) {
        if (replaces !== undefined) await deleteEntry(replaces);
        // Sent: on to where the server sends (the record's page with its "done" line).
        if (answer.url && new URL(answer.url).pathname !== new URL(entry.action, location.href).pathname) {
          location.assign(answer.url);
          return;
        }
      }
      showAnswer(answer.html);
      // A corrected entry refused again stays the entry being corrected.
      if (replaces !== undefined) markEditing(entry.action, replaces);
      await renderOutbox();
    } finally {
      delete form.dataset.sending;
      for (const b of buttons) b.disabled = false;
    }
  }

  /** Sends an enhanced form; if something of ours breaks before it went, the form is posted the plain way. */
  function submitOrFallBack(form, submitter) {
    delete form.dataset.posted;
    submitEnhanced(form, submitter).catch(() => {
      if (form.dataset.posted === '1') return;
      form.removeAttribute('data-enhanced');
      if (submitter && submitter.name) form.requestSubmit(submitter);
      else form.submit();
    });
  }

  /** Keeps an entry to send when the connection returns (a corrected one takes the place of the one it corrects). */
  async function keep(entry, form, replaces) {
    form.dataset.posted = '1';
    try {
      await putEntry(entry);
      if (replaces !== undefined) await deleteEntry(replaces);
    } catch {
      // The browser keeps nothing (private mode, full): the form stays as typed, and the user is told it was not sent.
      await renderOutbox(say('network'));
      return;
    }
    form.reset();
    delete form.dataset.outboxEntry;
    const details = form.closest('details');
    if (details) details.open = false;
    await renderOutbox(say('queued'));
    outbox()?.scrollIntoView({ block: 'nearest' });
  }

  // ------------------------------------------------------------------ sending what was kept

  let sentSinceEmpty = 0;

  /** The fresh form token and who is signed in, from the server; null without a connection or a session. */
  async function session() {
    let res;
    try {
      res = await fetch(MANIFEST, {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { Accept: 'application/json' },
      });
    } catch {
      return null;
    }
    if (!res.ok || !(res.headers.get('content-type') ?? '').includes('json')) return { signedOut: true };
    return res.json();
  }

  /** Sends this user's kept entries in order, each with its own key; a refusal keeps the entry, with why. */
  async function flushNow() {
    if (navigator.onLine === false) return;
    const pending = (await myEntries()).filter((e) => e.state === 'pending');
    if (!pending.length) return;
    const who = await session();
    if (!who) return;
    if (who.signedOut || !who.csrfToken) {
      await renderOutbox(say('sign-in'));
      return;
    }
    await renderOutbox(say('sending'));
    for (const entry of pending) {
      if (entry.user !== who.user) continue;
      // Deleted or corrected in another tab meanwhile: not sent.
      const current = await getEntry(entry.id);
      if (!current || current.state !== 'pending') continue;
      let answer;
      try {
        answer = await post(current, who.csrfToken, null);
      } catch {
        break; // the connection went again: the rest wait, in order
      }
      if (answer.status < 400) {
        await deleteEntry(current.id);
        sentSinceEmpty++;
      } else if (answer.status === 401) {
        await renderOutbox(say('sign-in'));
        return;
      } else if (answer.status >= 500 || answer.busy) {
        break; // the server's trouble (or the first send still running), not the entry's: tried again later
      } else {
        const refusal = refusalOf(answer.html, answer.status);
        await putEntry({ ...current, state: 'refused', ...refusal, refusedAt: new Date().toISOString() });
      }
    }
    const left = (await myEntries()).filter((e) => e.state === 'pending').length;
    const message = left === 0 && sentSinceEmpty > 0 ? say('sent') : '';
    if (left === 0) sentSinceEmpty = 0;
    await renderOutbox(message);
    tellWorker({ type: 'refresh' });
  }

  let flushing = null;
  /** One flush at a time in this page, and in all of this browser's tabs when it can say so (Web Locks). */
  function flush() {
    if (!currentUser() || !('indexedDB' in window)) return Promise.resolve();
    flushing ??= (navigator.locks ? navigator.locks.request('liandong-outbox', flushNow) : flushNow())
      .catch(() => undefined)
      .finally(() => {
        flushing = null;
      });
    return flushing;
  }

  // ------------------------------------------------------------------ what the page shows

  let pendingCount = 0;

  function entryItem(entry) {
    const li = document.createElement('li');
    li.className = 'outbox-entry';
    li.dataset.entry = String(entry.id);
    const what = document.createElement('p');
    const strong = document.createElement('strong');
    strong.textContent = entry.label;
    what.append(strong, ` · ${entry.title}`);
    const when = document.createElement('p');
    when.className = 'muted small';
    when.textContent = `${say('saved-at')} ${new Date(entry.createdAt).toLocaleString()}`;
    const why = document.createElement('div');
    why.className = 'field-error';
    why.dataset.testid = 'outbox-reason';
    why.textContent = entry.reason ?? '';
    if (entry.problems?.length) {
      const ul = document.createElement('ul');
      ul.className = 'field-errors';
      for (const p of entry.problems) {
        const item = document.createElement('li');
        item.textContent = p;
        ul.append(item);
      }
      why.append(ul);
    }
    // What was entered, in the form's own words: never lost even when its form is gone.
    const values = document.createElement('dl');
    values.className = 'kv small';
    for (const [name, value] of entry.fields) {
      if (name === '_csrf' || name === 'expectedVersion' || value === '') continue;
      const dt = document.createElement('dt');
      dt.textContent = entry.labels?.[name] ?? name;
      const dd = document.createElement('dd');
      dd.textContent = value instanceof Blob ? value.name || '📷' : String(value);
      values.append(dt, dd);
    }
    const actions = document.createElement('p');
    actions.className = 'outbox-actions';
    const edit = document.createElement('button');
    edit.type = 'button';
    edit.dataset.outboxEdit = String(entry.id);
    edit.textContent = say('edit');
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'danger';
    remove.dataset.outboxDelete = String(entry.id);
    remove.textContent = say('delete');
    actions.append(edit, ' ', remove);
    li.append(what, when, why, values, actions);
    return li;
  }

  /** The status line ("待发送 N 条", "已发送" …) and the list of entries refused on sending. */
  async function renderOutbox(message = '') {
    const box = outbox();
    if (!box) return;
    // IndexedDB refused (a private window): nothing kept, nothing to show.
    const entries = await myEntries().catch(() => []);
    const pending = entries.filter((e) => e.state === 'pending');
    const refused = entries.filter((e) => e.state === 'refused');
    pendingCount = pending.length;
    const parts = [];
    const offline = navigator.onLine === false;
    if (offline) parts.push(say('offline'));
    if (pending.length) parts.push(say('pending', { count: pending.length }));
    // Offline, "kept on this phone, sent when connected" is what the first part says already.
    if (message && !(offline && message === say('queued'))) parts.push(message);
    const status = box.querySelector('.outbox-status');
    const text = parts.join(' · ');
    if (status && status.textContent !== text) status.textContent = text;
    box.dataset.pending = String(pending.length);
    box.dataset.refused = String(refused.length);
    const section = box.querySelector('.outbox-refused');
    if (section) {
      section.hidden = refused.length === 0;
      section.querySelector('.outbox-list')?.replaceChildren(...refused.map(entryItem));
    }
  }

  /** Marks the form of `action` as correcting entry `id` (sent, it takes the entry's place). */
  function markEditing(action, id) {
    const form = [...document.querySelectorAll('form[data-enhanced]')].find((f) => f.getAttribute('action') === action);
    if (form) form.dataset.outboxEntry = String(id);
    return form;
  }

  /** Opens the entry's form on this page filled with what was entered (the page's own token and version kept). */
  async function openForCorrection(id) {
    const entry = await getEntry(id);
    if (!entry || entry.user !== currentUser()) return;
    const form = markEditing(entry.action, id);
    if (!form) {
      await renderOutbox(say('form-gone'));
      return;
    }
    const details = form.closest('details');
    if (details) details.open = true;
    const values = (name) => entry.fields.filter(([k]) => k === name).map(([, v]) => v);
    const seen = {};
    for (const el of form.elements) {
      if (!el.name || el.type === 'hidden' || el.type === 'submit' || el.tagName === 'BUTTON') continue;
      const vs = values(el.name);
      if (el.type === 'checkbox' || el.type === 'radio') el.checked = vs.includes(el.value);
      else if (el.type === 'file') {
        const files = vs.filter((v) => v instanceof Blob && v.size > 0);
        if (files.length && typeof DataTransfer === 'function') {
          const dt = new DataTransfer();
          for (const f of files) dt.items.add(f instanceof File ? f : new File([f], 'photo.jpg', { type: f.type }));
          el.files = dt.files;
        }
      } else if (el.tagName === 'SELECT' && el.multiple) {
        for (const o of el.options) o.selected = vs.includes(o.value);
      } else {
        const i = seen[el.name] ?? 0;
        seen[el.name] = i + 1;
        el.value = typeof vs[i] === 'string' ? vs[i] : '';
      }
    }
    form.scrollIntoView({ block: 'start' });
    form.querySelector('input:not([type=hidden]), select, textarea')?.focus();
  }

  document.addEventListener('click', async (e) => {
    const edit = e.target.closest('[data-outbox-edit]');
    if (edit) {
      const id = Number(edit.dataset.outboxEdit);
      const entry = await getEntry(id);
      if (!entry) return;
      const here = location.pathname + location.search === entry.page;
      if (here) await openForCorrection(id);
      else location.assign(`${entry.page}#outbox-${id}`);
      return;
    }
    const remove = e.target.closest('[data-outbox-delete]');
    if (remove && window.confirm(say('confirm-delete'))) {
      await deleteEntry(Number(remove.dataset.outboxDelete));
      await renderOutbox();
    }
  });

  // ------------------------------------------------------------------ the enhanced forms

  document.addEventListener('submit', (e) => {
    const form = e.target;
    // A form app.js stopped (a refusal not confirmed) stays stopped.
    if (e.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if (form.getAttribute('action') === '/logout') {
      // What waits is kept for this user's next sign-in; they are told before leaving. This user's pages are forgotten.
      if (pendingCount > 0 && !window.confirm(say('logout-pending', { count: pendingCount }))) {
        e.preventDefault();
        return;
      }
      tellWorker({ type: 'logout' });
      return;
    }
    if (!form.matches('form[data-enhanced]') || !window.XMLHttpRequest || !window.DOMParser) return;
    e.preventDefault();
    submitOrFallBack(form, e.submitter);
  });

  // ------------------------------------------------------------------ the service worker

  function tellWorker(message) {
    navigator.serviceWorker?.controller?.postMessage({ ...message, user: currentUser() });
  }

  if ('serviceWorker' in navigator && window.isSecureContext) {
    navigator.serviceWorker
      .register('/sw.js', { scope: '/' })
      .then(() => navigator.serviceWorker.ready)
      .then((reg) => reg.active?.postMessage({ type: 'user', user: currentUser(), page: location.pathname }))
      .catch(() => undefined);
  }

  // ------------------------------------------------------------------ on load, and when the connection returns

  /** A page kept offline may be opened another day: an untouched "today" moves on to this device's today. */
  function moveTodayOn() {
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    for (const input of document.querySelectorAll('input[type=date][data-today]')) {
      if (input.value === input.dataset.today && today > input.dataset.today) {
        input.value = today;
        input.defaultValue = today;
      }
    }
    // "Seen at" defaults to when the page was made: a copy kept offline says now instead, unless it was typed.
    const now = `${today}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    for (const input of document.querySelectorAll('input[type=datetime-local][data-now]')) {
      if (input.value === input.dataset.now && now > input.dataset.now) {
        input.value = now;
        input.defaultValue = now;
      }
    }
  }

  async function start() {
    moveTodayOn();
    await renderOutbox();
    const m = /^#outbox-(\d+)$/.exec(location.hash);
    if (m) await openForCorrection(Number(m[1]));
    if (navigator.onLine !== false) await flush();
  }

  window.addEventListener('online', () => {
    tellWorker({ type: 'refresh' });
    void flush();
  });
  window.addEventListener('offline', () => void renderOutbox());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void flush();
  });
  // A connection that comes back without an `online` event (a captive portal, a flaky cell) is tried now and then.
  setInterval(() => {
    if (pendingCount > 0) void flush();
  }, 30_000);
  void start();
})();
