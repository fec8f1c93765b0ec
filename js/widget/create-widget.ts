/**
 * The anywidget module of one workflow's widget (`signoff.ts` and `critical.ts` are what
 * anywidget loads). Only `render`: each view owns its relay, client and panel, and returns its
 * cleanup (several outputs of one widget, re-run cells, closed widgets).
 */
import type { AnyWidget } from '@anywidget/types';
import type { WidgetState } from './widget-state.ts';
import { renderView } from './widget-view.ts';
import type { WidgetContext, WidgetResult, WidgetWorkflow } from './widget-workflow.ts';

export function createWidget<C extends WidgetContext, S, R extends WidgetResult>(workflow: WidgetWorkflow<C, S, R>): AnyWidget<WidgetState> {
  return { render: ({ model, el }) => renderView(model, el, workflow) };
}
