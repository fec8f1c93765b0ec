/**
 * alyx-qc's core: note kinds, exact note text, the Alyx client and the QC workflows. No DOM.
 *
 * Only what a program using alyx-qc calls: the plumbing under it (the Python `json` parser,
 * title matching, limits, retry defaults) is imported from its own module by the parts that
 * need it, so that this bundle stays small.
 */
export type { AlyxNote, AlyxPage, AlyxSession, SignOffEntry } from './alyx-types.ts';
export { AlyxClient, type AlyxCredentials } from './client.ts';
export { AlyxRestClient, type AlyxClientOptions, type RequestOptions } from './rest-client.ts';
export type { NoteTarget } from './content-type.ts';
export { loadCriticalContext, writeCriticalNote, type CriticalNoteOptions } from './critical-note.ts';
export * from './errors.ts';
export { NOTE_KINDS, OTHER, type ContentType, type CriticalKind, type CriticalKindId, type NoteKind, type NoteKindId, type SignOffKind, type SignOffKindId } from './note-kinds.ts';
export { criticalNoteText, signOffDateKey, signOffNoteText } from './note-text.ts';
export type { PyJson } from './python-json.ts';
export { getNoteKind, getSignOffKind, validateChoice, type ReasonChoice } from './reasons.ts';
export type { RetryPolicy } from './retry-policy.ts';
export { loadSignOffContext, signOff, type SignOffOptions, type SignOffWritten } from './sign-off.ts';
export { fetchTransport, type AlyxRequest, type AlyxResponse, type Transport } from './transport.ts';
export { assertSignOffKey, assertUuid4 } from './validation.ts';
export type * from './workflow-types.ts';
