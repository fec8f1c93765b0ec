/** alyx-qc's core: note kinds, exact note text, the Alyx client and the QC workflows. No DOM. */
export type { AlyxNote, AlyxPage, AlyxSession, SignOffEntry } from './alyx-types.ts';
export { AlyxClient, MAX_PAGES, normaliseBaseUrl, type AlyxClientOptions, type AlyxCredentials, type RequestOptions, type RestAction, type RestOptions } from './client.ts';
export { resolveNoteTarget, type NoteTarget } from './content-type.ts';
export { choiceFor, loadCriticalContext, writeCriticalNote, writeCriticalNoteFromGui, type CriticalNoteOptions } from './critical-note.ts';
export * from './errors.ts';
export { NOTE_KINDS, OTHER, SIGN_OFF_KIND_ALIASES, type ContentType, type CriticalKind, type CriticalKindId, type NoteKind, type NoteKindId, type SignOffKind, type SignOffKindId } from './note-kinds.ts';
export { criticalNoteText, localIsoDate, mergeSignOffNoteText, noteTitle, parseNoteJson, signOffDateKey, signOffNoteText, signOffTitle, summariseNoteText, type NoteSummary } from './note-text.ts';
export { pythonJsonDumps, pythonJsonLoads, PyJsonSyntaxError, type PyJson } from './python-json.ts';
export { getNoteKind, getSignOffKind, reasonsFromNumbers, reasonsFromTexts, validateChoice, type ReasonChoice } from './reasons.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
export { loadSignOffContext, readChecklistEntry, signOff, withChecklistEntry, type SignOffOptions, type SignOffWritten } from './sign-off.ts';
export { fetchTransport, type AlyxRequest, type AlyxResponse, type Transport } from './transport.ts';
export { assertSignOffKey, assertUuid4, MAX_BODY_LENGTH, MAX_NOTE_TEXT_LENGTH, MAX_SIGN_OFF_KEY_LENGTH } from './validation.ts';
export type * from './workflow-types.ts';
