/**
 * @module client/mutants/cursor-before-apply
 * Bug: the pull cursor is saved in its own transaction before the page's changes are
 * applied. A kill in between (the same 'after-pull-before-apply' point as the reference's,
 * which commits both at once) leaves the cursor past changes the device never applied;
 * they are never pulled again.
 */
import { applyChange, CURSOR_KEY } from '../reference/index.ts';
import { defineMutant } from './mutant.ts';

export const cursorBeforeApply = defineMutant({
  name: 'cursor-before-apply',
  description: 'Saves the pull cursor before applying the page; a kill in between skips those changes forever.',
  invariant: 'convergence',
  options: {
    hooks: {
      applyPage(ctx, page) {
        ctx.store.transaction(() => ctx.store.kvSet(CURSOR_KEY, page.next));
        ctx.env.crashPoint('after-pull-before-apply');
        ctx.store.transaction(() => {
          for (const change of page.changes) applyChange(ctx, change);
        });
      },
    },
  },
});
