/**
 * alyx-qc for Observable notebooks: one browser ES module with the inputs, the login form, the
 * core (`AlyxClient`, the workflows) and the elements, registered once however often it is imported.
 */
export * from '../core/index.ts';
export * from '../elements/index.ts';
export { resolveBaseUrl } from './base-url.ts';
export { AlyxCorsError, diagnoseNetworkFailure, explainNetworkError, type NetworkDiagnosis } from './cors.ts';
export { criticalNoteInput, type CriticalNoteInput, type CriticalNoteInputOptions } from './critical-note-input.ts';
export { InputLoader, type LoaderStatus } from './input-loader.ts';
export { login, loginForToken } from './login.ts';
export { figureFromCanvas, figureFromSvg } from './plot-figure.ts';
// The core's index leaves figures out (its size budget); a notebook needs them to pass `image`.
export { noteFigure } from '../core/note-image.ts';
export { loginForm, type LoginFormOptions } from './login-form.ts';
export { LoginFormElement } from './login-form-element.ts';
export { reviewQueueInput, type ReviewQueueInput, type ReviewQueueInputOptions } from './review-queue-input.ts';
export { signOffInput, type SignOffInput, type SignOffInputOptions } from './sign-off-input.ts';
