/** The module anywidget loads for `alyx_qc.CriticalNote` (built into `python/alyx_qc/static/critical.js`). */
import { createWidget } from './create-widget.ts';
import { criticalWorkflow } from './critical-workflow.ts';

export default createWidget(criticalWorkflow);
