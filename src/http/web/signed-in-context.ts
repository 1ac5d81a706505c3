import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../../container';
import type { Principal } from '../../domain/org/org.service';
import { t } from '../../i18n';
import { meView } from './locals';
import { signedIn } from '../signed-in';

type HeaderServices = Pick<
  Services,
  'inbox' | 'duties' | 'flags' | 'cases' | 'goods' | 'problemInbox' | 'notifications'
>;

/**
 * What every signed-in page shows in its header — who, how much waits in their
 * inbox, the open flags, the bell — supplied here, once, for every page this
 * request renders (a page, a form sent back refused, an error page). A request
 * that ends in a redirect counts nothing. A page that counts its own (the
 * inbox) sets `navCounts` first and is not counted twice.
 */
export function signedInContext(services: HeaderServices) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const p = signedIn(req);
    res.locals.me = meView(p, req.locale);
    res.locals.timeZone = p.timeZone;
    type Done = (err: Error, html: string) => void;
    const render = res.render.bind(res) as (view: string, options?: object, callback?: Done) => void;
    let header: Promise<void> | undefined;
    let failed = false;
    res.render = ((view: string, options?: object | Done, callback?: Done) => {
      const opts = typeof options === 'function' ? undefined : options;
      const cb = typeof options === 'function' ? (options as Done) : callback;
      header ??= fillHeader(services, p, req, res);
      header.then(
        () => render(view, opts, cb),
        (e: unknown) => {
          // The error page itself is shown without the numbers that failed.
          if (failed) return render(view, opts, cb);
          failed = true;
          next(e);
        },
      );
    }) as Response['render'];
    next();
  };
}

async function fillHeader(services: HeaderServices, p: Principal, req: Request, res: Response): Promise<void> {
  const [counts, unread] = await Promise.all([
    res.locals.navCounts === undefined ? countInbox(services, p) : null,
    services.notifications.unreadCount(p),
  ]);
  if (counts) res.locals.navCounts = counts;
  res.locals.bell = { count: unread, label: t(req.locale, 'notifications.bell_label', { count: unread }) };
}

/** The numbers in the navigation: what waits in the inbox, and the open flags. */
async function countInbox(services: HeaderServices, p: Principal): Promise<{ inbox: number; flags: number }> {
  const [inbox, duties, flags, transfers, goods, problems] = await Promise.all([
    services.inbox.count(p),
    services.duties.count(p),
    services.flags.openCount(p),
    services.cases.waitingCount(p),
    // R13: detained goods near or past their limit that wait for this user.
    services.goods.waiting(p),
    // §3.4, R8: hard problems and border notices.
    services.problemInbox.count(p),
  ]);
  return { inbox: inbox + duties + transfers + goods.length + problems, flags };
}
