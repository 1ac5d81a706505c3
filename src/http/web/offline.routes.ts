import { Router } from 'express';
import path from 'node:path';
import { VIEWS_DIR } from '../../paths';
import { t } from '../../i18n';
import { webLocale } from './web-context';

/**
 * What a phone needs before anyone signs in, for use without a connection
 * (issue 13): the service worker at the root (its scope is the whole site) and
 * the page it shows when a page was never kept. Neither names a user: the
 * offline page is the same for everyone, so it never shows another's data.
 */
export function offlinePages(): Router {
  const r = Router();

  r.get('/sw.js', (_req, res) => {
    // Looked for again on every visit (a new version is taken at once); scope `/` (it is at the root anyway).
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Service-Worker-Allowed', '/');
    res.type('application/javascript');
    res.sendFile(path.join(VIEWS_DIR, 'public', 'sw.js'), { cacheControl: false });
  });

  // Mounted before the sessions: the language from its cookie or the browser's, as every page takes it.
  r.get('/offline', webLocale, (req, res) => {
    res.locals.locale = req.locale;
    res.locals.currentPath = encodeURIComponent('/offline');
    res.render('offline/offline', {
      pageTitle: t(req.locale, 'offline.title'),
      bodyClass: 'offline-page',
      // Kept by the service worker for everyone on this device: no user, no form token.
      me: null,
    });
  });

  return r;
}
