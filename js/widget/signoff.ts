/** The module anywidget loads for `alyx_qc.SignOff` (built into `python/alyx_qc/static/signoff.js`). */
// The sign-off kinds, for the panel's reasons and the workflow's look-up.
import '../core/sign-off-kinds.ts';
import { createWidget } from './create-widget.ts';
import { signOffWorkflow } from './signoff-workflow.ts';

export default createWidget(signOffWorkflow);
