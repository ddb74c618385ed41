/**
 * @module client/mutants/cursor-before-apply
 * Bug: the pull cursor is saved in its own transaction before the page's changes are
 * applied. A kill in between ('after-cursor-before-apply') leaves the cursor past changes
 * the device never applied; they are never pulled again.
 */
import { applyChange, CURSOR_KEY } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

/** The crash point between the two transactions. */
export const CURSOR_SAVED_POINT = 'after-cursor-before-apply';

export const cursorBeforeApply = defineMutant({
  name: 'cursor-before-apply',
  description: 'Saves the pull cursor before applying the page; a kill in between skips those changes forever.',
  invariant: 'convergence',
  options: {
    hooks: {
      applyPage(ctx, page) {
        ctx.store.transaction(() => ctx.store.kvSet(CURSOR_KEY, page.next));
        ctx.env.crashPoint(CURSOR_SAVED_POINT);
        ctx.store.transaction(() => {
          for (const change of page.changes) applyChange(ctx, change);
        });
      },
    },
  },
});
