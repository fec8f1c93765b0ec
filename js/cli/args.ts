/**
 * The command line, parsed into one typed command. Everything checkable without Alyx is checked
 * here, so a mistyped option costs no request and no question.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './exit-codes.ts';

export type CommandName = 'critical' | 'signoff' | 'describe' | 'queue' | 'status';
export const COMMANDS: readonly CommandName[] = ['critical', 'signoff', 'describe', 'queue', 'status'];

/** The sessions of `queue` and `status`: eids from a file or stdin (`-`), or Alyx's pending look-up. */
export type QueueSource = { readonly eids: string } | { readonly pending: true; readonly django?: string };

/** Where and how to talk to Alyx, and how to print. */
export interface CommonFlags {
  readonly baseUrl?: string;
  readonly user?: string;
  readonly json: boolean;
  readonly dryRun: boolean;
}

/** Answers given on the command line instead of at the prompts. */
export interface ChoiceFlags {
  /** ibllib's 0-based numbers, e.g. `1,3`. */
  readonly nums?: string;
  /** Reasons by their exact text (`--reason-text`, repeatable). */
  readonly reasonTexts?: readonly string[];
  /** Kept exactly as given. */
  readonly other?: string;
}

export type CliCommand =
  | { readonly name: 'help'; readonly topic?: CommandName }
  | { readonly name: 'version' }
  | {
      readonly name: 'critical';
      readonly uuid: string;
      /** `null`: ask at the prompts. */
      readonly choice: ChoiceFlags | null;
      readonly yes: boolean;
      /** `--gui-reasons`, split on commas; `null` when not given. */
      readonly guiReasons: readonly string[] | null;
      readonly contentType?: string;
      /** `--figure`: the path of the plot judged, attached as a figure note (issue 16). */
      readonly figure?: string;
      readonly common: CommonFlags;
    }
  | {
      readonly name: 'signoff';
      readonly eid: string;
      readonly key: string;
      readonly kind: string;
      readonly choice: ChoiceFlags | null;
      readonly withNote: boolean;
      /** `--figure`: the path of the plot judged, attached as a figure note (issue 16). */
      readonly figure?: string;
      readonly common: CommonFlags;
    }
  | { readonly name: 'describe'; readonly kind?: string; readonly json: boolean }
  | { readonly name: 'queue' | 'status'; readonly key: string; readonly kind: string; readonly source: QueueSource; readonly common: CommonFlags };

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  'base-url': { type: 'string' },
  user: { type: 'string' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  reasons: { type: 'string' },
  'reason-text': { type: 'string', multiple: true },
  other: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  'gui-reasons': { type: 'string' },
  'content-type': { type: 'string' },
  key: { type: 'string' },
  kind: { type: 'string' },
  'no-note': { type: 'boolean' },
  figure: { type: 'string' },
  eids: { type: 'string' },
  pending: { type: 'boolean' },
  django: { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;

const CONNECTION: readonly OptionName[] = ['help', 'base-url', 'user', 'json', 'dry-run'];
const ALLOWED: Readonly<Record<CommandName | 'none', readonly OptionName[]>> = {
  none: ['help', 'version'],
  critical: [...CONNECTION, 'reasons', 'reason-text', 'other', 'yes', 'gui-reasons', 'content-type', 'figure'],
  signoff: [...CONNECTION, 'key', 'kind', 'reasons', 'reason-text', 'other', 'no-note', 'figure'],
  describe: ['help', 'json'],
  queue: ['help', 'base-url', 'user', 'json', 'key', 'kind', 'eids', 'pending', 'django'],
  status: ['help', 'base-url', 'user', 'json', 'key', 'kind', 'eids', 'pending', 'django'],
};

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}

/** "did you mean" for an unknown option or command, when one is close. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

type Values = { [K in OptionName]?: (typeof OPTIONS)[K] extends { multiple: true } ? string[] : (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

function checkOptions(command: CommandName | 'none', tokens: ReturnType<typeof parseArgs>['tokens'] & object): void {
  const allowed = ALLOWED[command];
  const where = command === 'none' ? '' : ` ${command}`;
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const name = token.name as OptionName;
    if (!Object.hasOwn(OPTIONS, name)) {
      const hint = closest(token.name, allowed);
      throw new UsageError(`unknown option ${token.rawName}${hint ? `; did you mean --${hint}?` : '.'}`, command === 'none' ? undefined : command);
    }
    if (!allowed.includes(name)) {
      const owners = COMMANDS.filter((other) => ALLOWED[other].includes(name));
      const hint = owners.length > 0 ? ` (it belongs to ${owners.map((owner) => `alyx-qc ${owner}`).join(' and ')})` : '';
      throw new UsageError(`alyx-qc${where} has no option ${token.rawName}${hint}.`, command === 'none' ? undefined : command);
    }
    const spec = OPTIONS[name];
    if (spec.type === 'string') {
      // A value that is itself one of our options is a forgotten value, e.g. `--reasons --yes`.
      const looksLikeOption = !token.inlineValue && typeof token.value === 'string' && /^--?[a-z]/.test(token.value) && Object.hasOwn(OPTIONS, token.value.replace(/^--?/, ''));
      if (token.value === undefined || looksLikeOption) {
        throw new UsageError(`${token.rawName} needs a value, e.g. ${token.rawName} ${EXAMPLES[name] ?? '...'}.`, command === 'none' ? undefined : command);
      }
    } else if (token.inlineValue) {
      throw new UsageError(`${token.rawName} takes no value.`, command === 'none' ? undefined : command);
    }
  }
}

const EXAMPLES: Partial<Record<OptionName, string>> = {
  'base-url': 'https://alyx.internationalbrainlab.org',
  user: 'olivier',
  reasons: '1,3',
  'reason-text': '"wheel data corrupt"',
  other: '"photodiode flat"',
  'gui-reasons': 'Drift,"Poor neural yield"',
  'content-type': 'subject',
  figure: 'plot.png',
  key: '_ephysChoiceWorld_00',
  kind: 'task',
  eids: 'eids.txt',
  django: 'projects__name,ibl_neuropixel_brainwide_01',
};

function onePositional(command: CommandName, positionals: readonly string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`alyx-qc ${command} needs the ${what}.`, command);
  if (positionals.length > 1) throw new UsageError(`alyx-qc ${command} takes one ${what}, got ${positionals.length}: ${positionals.join(' ')}.`, command);
  return positionals[0] ?? '';
}

function choiceFrom(command: CommandName, values: Values): ChoiceFlags | null {
  const texts = values['reason-text'];
  if (values.reasons !== undefined && texts !== undefined) {
    throw new UsageError('give the reasons by number (--reasons 1,3) or by text (--reason-text), not both.', command);
  }
  if (values.reasons === undefined && texts === undefined && values.other === undefined) return null;
  return {
    ...(values.reasons !== undefined ? { nums: values.reasons } : {}),
    ...(texts !== undefined ? { reasonTexts: texts } : {}),
    ...(values.other !== undefined ? { other: values.other } : {}),
  };
}

function commonFrom(values: Values): CommonFlags {
  return {
    ...(values['base-url'] !== undefined ? { baseUrl: values['base-url'] } : {}),
    ...(values.user !== undefined ? { user: values.user } : {}),
    json: values.json ?? false,
    dryRun: values['dry-run'] ?? false,
  };
}

/** Parses `argv` (without `node` and the script). Throws {@link UsageError}. */
export function parseCommandLine(argv: readonly string[]): CliCommand {
  const { values: raw, positionals: all, tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const values = raw as Values;
  const [first, ...positionals] = all;
  let command: CommandName | 'none' = 'none';
  if (first !== undefined) {
    if (!(COMMANDS as readonly string[]).includes(first)) {
      const hint = closest(first, COMMANDS);
      throw new UsageError(`unknown command "${first}"${hint ? `; did you mean ${hint}?` : ''}. Commands: ${COMMANDS.join(', ')}.`);
    }
    command = first as CommandName;
  }
  checkOptions(command, tokens ?? []);
  if (command === 'none') {
    if (values.version) return { name: 'version' };
    return { name: 'help' };
  }
  if (values.help) return { name: 'help', topic: command };

  switch (command) {
    case 'describe':
      if (positionals.length > 1) throw new UsageError(`alyx-qc describe takes at most one kind, got ${positionals.length}.`, command);
      return { name: 'describe', ...(positionals[0] !== undefined ? { kind: positionals[0] } : {}), json: values.json ?? false };
    case 'critical': {
      const uuid = onePositional(command, positionals, 'session eid or insertion pid');
      const choice = choiceFrom(command, values);
      const gui = values['gui-reasons'];
      if (gui !== undefined && (choice !== null || values['content-type'] !== undefined)) {
        throw new UsageError('--gui-reasons is the alignment GUI path: it takes no --reasons, --reason-text, --other or --content-type.', command);
      }
      return {
        name: 'critical',
        uuid,
        choice,
        yes: values.yes ?? false,
        guiReasons: gui === undefined ? null : gui.split(',').map((reason) => reason.trim()).filter((reason) => reason !== ''),
        ...(values['content-type'] !== undefined ? { contentType: values['content-type'] } : {}),
        ...(values.figure !== undefined ? { figure: values.figure } : {}),
        common: commonFrom(values),
      };
    }
    case 'signoff': {
      const eid = onePositional(command, positionals, 'session eid');
      if (values.key === undefined) throw new UsageError('alyx-qc signoff needs --key, the sign-off key, e.g. --key _ephysChoiceWorld_00.', command);
      if (values.kind === undefined) {
        throw new UsageError('alyx-qc signoff needs --kind: task, passive, video, raw-ephys, spike-sorting or alignment.', command);
      }
      const choice = choiceFrom(command, values);
      const withNote = !(values['no-note'] ?? false);
      if (!withNote && choice !== null) throw new UsageError('--no-note signs off without a note, so it takes no --reasons, --reason-text or --other.', command);
      return { name: 'signoff', eid, key: values.key, kind: values.kind, choice, withNote, ...(values.figure !== undefined ? { figure: values.figure } : {}), common: commonFrom(values) };
    }
    case 'queue':
    case 'status':
      return queueCommand(command, positionals, values);
  }
}

/** `queue` and `status`: the key, the kind (`status` defaults to task: it only lists) and where the sessions come from. */
function queueCommand(command: 'queue' | 'status', positionals: readonly string[], values: Values): CliCommand {
  if (positionals.length > 0) throw new UsageError(`alyx-qc ${command} takes no positional arguments (got ${positionals.join(' ')}): pass the sessions with --eids FILE, --eids - or --pending.`, command);
  if (values.key === undefined) throw new UsageError(`alyx-qc ${command} needs --key, the sign-off key, e.g. --key _ephysChoiceWorld_00.`, command);
  if (values.kind === undefined && command === 'queue') {
    throw new UsageError('alyx-qc queue needs --kind: task, passive, video, raw-ephys, spike-sorting or alignment.', command);
  }
  if ((values.eids === undefined) === (values.pending !== true)) {
    throw new UsageError(`alyx-qc ${command} needs the sessions: --eids FILE (one eid a line, - for stdin) or --pending, not both.`, command);
  }
  if (values.django !== undefined && values.pending !== true) throw new UsageError('--django narrows the --pending look-up: give it with --pending.', command);
  const source: QueueSource = values.eids !== undefined ? { eids: values.eids } : { pending: true, ...(values.django !== undefined ? { django: values.django } : {}) };
  return { name: command, key: values.key, kind: values.kind ?? 'task', source, common: commonFrom(values) };
}
