import type { Request, Response, Router } from 'express';
import type { Principal } from '../../domain/org/org.service';
import { AppError, ValidationError } from '../../errors';
import type { Locale } from '../../i18n';
import { idParam } from '../api/params';
import { signedIn } from '../signed-in';
import type { Refusal } from './refusal';
import { type Evidence, receivePhotos } from './evidence-upload';

/** A step form sent back refused: which, what was typed, how it was refused, the status to answer with. */
export interface RefusedStep<R> {
  type: string;
  values: Record<string, unknown>;
  refusal: R;
  status: number;
}

/** A refused step form as every record's page shows it again: the views/partials/step-form.hbs form opened, with what was typed and why. */
export type StepFormState = RefusedStep<Refusal>;

/**
 * `POST /:id/events/:type` of every record's page (operations, hard problems,
 * border notices, goods, transfers, group plans, meetings): a step form (STYLE habit 1 —
 * the same domain command as the API). The form's fields are sent as the
 * event; then on to where `send` says, or the record's page again with the
 * refusal by each field and what the user typed kept. Errors that are not a
 * refusal (a 404, a 500) go to the error handler.
 */
export function stepFormRoute<R>(
  r: Router,
  route: {
    /** The step forms the page has; a type without one is refused (400). */
    forms: Record<string, unknown>;
    /** Validates the form as the event, sends it, and says where to go next. */
    send(p: Principal, id: number, type: string, body: Record<string, unknown>): Promise<string>;
    refusal(e: AppError, locale: Locale): R;
    refused(req: Request, res: Response, id: number, form: RefusedStep<R>): Promise<void>;
    /** Issue 13: the forms that take photos, and the files service they are uploaded with before the step is sent (as its `files`). */
    evidence?: Evidence & { takes(type: string): boolean };
  },
): void {
  r.post('/:id/events/:type', async (req, res) => {
    const id = idParam(req.params.id);
    const type = String(req.params.type);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      // Own keys only: `constructor` or `toString` in the path is no form (it was an object's member, and a 500).
      if (!Object.hasOwn(route.forms, type)) throw new ValidationError(`No form for ${type}`, { type: 'invalid' });
      if (route.evidence?.takes(type)) await receivePhotos(route.evidence, signedIn(req), req, body);
      res.redirect(303, await route.send(signedIn(req), id, type, body));
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500 || e.status === 404) throw e;
      await route.refused(req, res, id, {
        type,
        values: body,
        refusal: route.refusal(e, req.locale),
        status: e.status,
      });
    }
  });
}
