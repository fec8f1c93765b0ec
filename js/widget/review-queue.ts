/** The module anywidget loads for `alyx_qc.ReviewQueue` (built into `python/alyx_qc/static/queue.js`). */
import type { AnyWidget } from '@anywidget/types';
import type { QueueWidgetState } from './review-queue-messages.ts';
import { renderQueueView } from './review-queue-view.ts';

const widget: AnyWidget<QueueWidgetState> = { render: ({ model, el }) => renderQueueView(model, el) };

export default widget;
