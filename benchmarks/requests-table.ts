/**
 * The requests-per-workflow table: alyx-qc's core, CLI and widget against ibllib, for the same
 * job, with every row where alyx-qc sends more than ibllib flagged. The one allowance is the
 * sign-off's read-back (the GETs the core sends after its writes, which ibllib lacks and which
 * keep a concurrent sign-off of another key from being lost).
 */
import type { CliRequestRow } from './cli-requests.ts';
import { callShape, type RoundTripRow } from './round-trips.ts';
import { table } from './stats.ts';
import type { WidgetRequestRow } from './widget-requests.ts';
import { isSignOff, LABELS, type WorkflowId } from './workflows.ts';

/** The core's read-back: for a sign-off, the GETs sent after its first write; none for a critical note. */
export function readBacks(workflow: WorkflowId, calls: readonly string[]): number {
  if (!isSignOff(workflow)) return 0;
  const firstWrite = calls.findIndex((call) => !call.startsWith('GET '));
  return firstWrite < 0 ? 0 : calls.slice(firstWrite).filter((call) => call.startsWith('GET ')).length;
}

export interface RequestsInput {
  readonly roundTrips?: readonly RoundTripRow[];
  readonly cli?: readonly CliRequestRow[] | { readonly error: string };
  readonly widget?: readonly WidgetRequestRow[] | { readonly error: string };
}

export interface FlaggedRow {
  readonly workflow: WorkflowId;
  readonly who: string;
  readonly requests: number;
  readonly allowed: number;
}

function isRows<T>(value: readonly T[] | { readonly error: string } | undefined): value is readonly T[] {
  return Array.isArray(value);
}

/** The table (Markdown), the flagged rows, and the request sequences, from one run's figures. */
export function requestsSection(input: RequestsInput): { markdown: string; flagged: FlaggedRow[] } {
  const flagged: FlaggedRow[] = [];
  const rows: string[][] = [];
  const sequences: string[][] = [];
  for (const rt of input.roundTrips ?? []) {
    const { workflow } = rt;
    const ibllib = 'error' in rt.ibllib ? undefined : rt.ibllib;
    const extra = readBacks(workflow, rt.alyxQc.calls.map(callShape));
    const allowed = ibllib ? ibllib.requests + extra : Number.NaN;
    const verdict = (who: string, requests: number): string => {
      if (!Number.isFinite(allowed) || !Number.isFinite(requests)) return String(requests);
      if (requests <= allowed) return String(requests);
      flagged.push({ workflow, who, requests, allowed });
      return `**${requests} (+${requests - allowed})**`;
    };
    const cli = isRows(input.cli) ? input.cli.find((row) => row.workflow === workflow) : undefined;
    const widget = isRows(input.widget) ? input.widget.find((row) => row.workflow === workflow) : undefined;
    const cliCell = cli ? `${verdict('CLI', cli.requests - cli.logins)} + ${cli.logins} login${cli.failures ? ` (${cli.failures} failed: ${cli.firstFailure ?? ''})` : ''}` : 'n/a';
    const widgetCell = widget ? `${verdict('widget', widget.load + widget.write)} (${widget.load} load + ${widget.write} submit)${widget.failures ? ` (${widget.failures} failed: ${widget.firstFailure ?? ''})` : ''}` : 'n/a';
    rows.push([LABELS[workflow], ibllib ? String(ibllib.requests) : 'n/a', extra ? String(extra) : '—', verdict('core', rt.alyxQc.requests), cliCell, widgetCell]);
    sequences.push([LABELS[workflow], 'ibllib', ibllib ? ibllib.calls.map(callShape).join(', ') : 'n/a']);
    sequences.push(['', 'core', rt.alyxQc.calls.map(callShape).join(', ')]);
    if (cli) sequences.push(['', 'CLI', cli.calls.join(', ')]);
    if (widget) sequences.push(['', 'widget', widget.calls.join(', ')]);
  }
  const notes: string[] = [];
  if (input.cli && !isRows(input.cli)) notes.push(`CLI not measured: ${input.cli.error}`);
  if (input.widget && !isRows(input.widget)) notes.push(`widget not measured: ${input.widget.error}`);
  const markdown = [
    table(['workflow', 'ibllib', 'read-back allowed', 'core', 'CLI (+ its login)', 'widget (display + submit)'], rows),
    '',
    flagged.length === 0
      ? 'No measured row sends more than ibllib (the sign-off read-back aside).'
      : `**Over ibllib** (more than ibllib's requests plus the sign-off read-back; the CLI compared without its login): ${flagged.map((f) => `${f.who} ${LABELS[f.workflow]} ${f.requests} > ${f.allowed}`).join('; ')}.`,
    ...(notes.length ? ['', ...notes] : []),
    '',
    '<details><summary>The requests of each, in the order sent</summary>',
    '',
    table(['workflow', 'who', 'requests'], sequences),
    '',
    '</details>',
  ].join('\n');
  return { markdown, flagged };
}
