import path from 'node:path';
import type express from 'express';
import { create } from 'express-handlebars';
import { helpers } from '../../../views/helpers';
import { VIEWS_DIR } from '../../paths';

/** Handlebars with layouts, partials and our helpers; templates are cached outside development. */
export function useViews(app: express.Express, opts: { cache: boolean }): void {
  const hbs = create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(VIEWS_DIR, 'layouts'),
    partialsDir: path.join(VIEWS_DIR, 'partials'),
    helpers,
  });
  app.engine('.hbs', hbs.engine);
  app.set('view engine', '.hbs');
  app.set('views', VIEWS_DIR);
  app.set('view cache', opts.cache);
}
