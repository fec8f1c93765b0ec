import type { AlyxClient } from '../core/client.ts';
import { getSignOffKind } from '../core/reasons.ts';
import { loadReviewQueue, queueEids, queueWriter } from '../core/review-queue.ts';
import type { QueueStatusRow } from '../core/review-queue-state.ts';
import { assertSignOffKey } from '../core/validation.ts';
import type { ReviewQueueElement } from '../elements/review-queue.ts';
import '../elements/review-queue.ts';
import type { PlotFunction } from '../elements/review-queue-plots.ts';
import { explainNetworkError } from './cors.ts';
import './input-loader.ts';
import type { InputLoader } from './input-loader.ts';
import { checkedOption, checkOptionNames, clientOption, optionError, stringOption, type MaybePromise } from './options.ts';

const FACTORY = 'reviewQueueInput';
const OPTIONS = ['alyx', 'eids', 'kind', 'key', 'plot'] as const;

/** Options of {@link reviewQueueInput}. */
export interface ReviewQueueInputOptions {
  /** A logged-in client (or a promise of one). */
  readonly alyx: MaybePromise<AlyxClient>;
  /** The sessions to review, in order. */
  readonly eids: readonly string[];
  /** `task`, `passive`, `video`, `raw-ephys`, `spike-sorting` or `alignment`. */
  readonly kind: string;
  /** The sign-off key, e.g. `_ephysChoiceWorld_00`. */
  readonly key: string;
  /** A session's plot: `(eid) => Blob | URL string` (or a promise of one), e.g. a canvas's `toBlob`. */
  readonly plot?: (eid: string) => Blob | string | Promise<Blob | string>;
}

/** What {@link reviewQueueInput} returns: an input whose `value` is every session's status. */
export type ReviewQueueInput = InputLoader<ReviewQueueElement> & { value: QueueStatusRow[] };

/**
 * A review queue for an Observable notebook:
 * `viewof statuses = reviewQueueInput({alyx, eids, kind: "task", key: "_ephysChoiceWorld_00"})`.
 *
 * Loads the sessions and their sign-off notes (3 requests per 250 sessions), then signs them off
 * one after another, keyboard first (see `<alyx-qc-review-queue>`). Its `value` is every
 * session's status row, and it dispatches `input` when a status changes. Throws a `TypeError` at
 * once for a bad option.
 */
export function reviewQueueInput(options: ReviewQueueInputOptions): ReviewQueueInput {
  checkOptionNames(FACTORY, options, OPTIONS);
  const alyx = clientOption(FACTORY, options.alyx);
  const eids = checkedOption(FACTORY, 'eids', () => queueEids(options.eids));
  const kind = checkedOption(FACTORY, 'kind', () => getSignOffKind(stringOption(FACTORY, 'kind', options.kind, 'task')).id);
  const key = checkedOption(FACTORY, 'key', () => assertSignOffKey(stringOption(FACTORY, 'key', options.key, '_ephysChoiceWorld_00')));
  const { plot } = options;
  if (plot !== undefined && typeof plot !== 'function') throw optionError(FACTORY, 'the "plot" option must be a function (eid) => image Blob or URL.');

  const queue = document.createElement('alyx-qc-review-queue');
  if (plot) queue.plot = (async (eid) => plot(eid)) satisfies PlotFunction;
  const loader = document.createElement('alyx-qc-input-loader') as ReviewQueueInput;
  loader.label = `Loading the review queue of ${key} (${eids.length} sessions) from Alyx`;
  loader.append(queue);
  void loader.start(async (signal) => {
    const client = await alyx;
    const data = await loadReviewQueue(client, { eids, signOffKey: key, kind, signal });
    const write = queueWriter(client, data);
    queue.submit = async (eid, submission, submitSignal) => {
      try {
        return await write(eid, submission, submitSignal);
      } catch (error) {
        throw await explainNetworkError(error);
      }
    };
    queue.data = data;
  });
  return loader;
}
