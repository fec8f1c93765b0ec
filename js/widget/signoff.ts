/** The module anywidget loads for `alyx_qc.SignOff` (built into `python/alyx_qc/static/signoff.js`). */
import { createWidget } from './create-widget.ts';
import { signOffWorkflow } from './signoff-workflow.ts';

export default createWidget(signOffWorkflow);
