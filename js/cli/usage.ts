/** The `--help` texts. */
import type { CommandName } from './args.ts';

const MAIN = `alyx-qc: sign off QC and mark sessions or probe insertions as CRITICAL in Alyx,
writing the notes ibllib.qc.critical_reasons writes, byte for byte.

Usage:
  alyx-qc critical <uuid> [options]             mark a session (eid) or insertion (pid) as CRITICAL
  alyx-qc signoff <eid> --key <key> --kind <kind> [options]
                                                sign off part of a session, with a note
  alyx-qc queue --key <key> --kind <kind> (--eids <file>|- | --pending [--django <filter>])
                                                sign off many sessions one after another
  alyx-qc status --key <key> (--eids <file>|- | --pending [--django <filter>])
                                                where those sessions stand (--json: a line each)
  alyx-qc describe [<kind>]                     the numbered reasons of a kind (all kinds without one)
  alyx-qc <command> --help                      the options of a command
  alyx-qc --version

Questions: without answers on the command line, critical and signoff ask ibllib's
questions: the numbered reasons (0-based numbers separated by commas, e.g. 1,3),
the free text when "Other" is chosen, and y/n before deleting existing notes.
An invalid answer is asked again. Answers typed at a prompt are stored as
ibllib's prompt stores them: stripped and lower-cased. Text given with --other
is stored exactly as given, like upload_note(other_reason=...).
Ctrl-C or end of input (Ctrl-D) at any prompt writes nothing and exits with 1.

Connection (critical, signoff):
  --base-url <url>   the Alyx URL; default $ALYX_URL, else ONE's default Alyx
  --user <name>      the Alyx username; default $ALYX_LOGIN, else ONE's ALYX_LOGIN
  The token is $ALYX_TOKEN, else the token ONE cached for that URL and user
  (~/.one/.<host>, read, never written). Without a token: $ALYX_PASSWORD (for
  automation), else a password prompt that does not echo (in a terminal only).
  The token is never printed.

Output (critical, signoff):
  --dry-run   read what is needed, then print the requests (the deletes an overwrite
              would make too) and the exact note text; asks no y/n, writes nothing
  --json      print one JSON object on stdout: {status, note_id, text, requests, ...};
              questions then go to stderr

Exit status:
  0  written (with --dry-run: planned), or described
  1  declined (n at the y/n question), nothing to do, or aborted at a prompt
  2  usage or bad input: unknown option, bad UUID, key or reason number, missing or
     rejected credentials, no write permission, an object Alyx does not have, notes in
     Alyx that need cleaning up first
  3  server or network error after retries
Messages go to stderr, prefixed "alyx-qc: "; results go to stdout.
`;

const CRITICAL = `Usage: alyx-qc critical <uuid> [options]

Marks a session (eid) or a probe insertion (pid) as CRITICAL; the UUID is looked up as
both, like ibllib's main(uuid). Prints the numbered reasons under the kind's header,
reads the numbers, asks for the "Other" text when Other is chosen, shows the critical
notes already there and asks y/n before replacing them, then writes. The new note is
created before the old ones are deleted, so a failure never loses a verdict.

Answers (no prompt):
  --reasons <nums>       0-based reason numbers separated by commas, e.g. 1,3
                         (as upload_note(nums='1,3')); see alyx-qc describe session
  --reason-text <text>   a reason by its exact text; repeat for several
  --other <text>         the free text for "Other", stored exactly as given
  --yes, -y              replace existing critical notes without asking
  --gui-reasons <list>   the alignment GUI path, insertions only: GUI reasons by text,
                         separated by commas (e.g. Drift,Poor neural yield); always
                         replaces existing notes, like main_gui(pid, reasons)
  --content-type <model> attach the note to another model (e.g. subject) instead of
                         looking the UUID up
  --figure <path>        the plot you judged (PNG or JPEG, at most 10 MB), attached as a
                         note of its own that names the critical note (docs/figures.md)

Typed answers are stripped and lower-cased (as ibllib stores them); --other is not.
Also: --base-url, --user, --dry-run, --json (see alyx-qc --help). Exit: 0 written,
1 declined or aborted, 2 bad input, 3 server or network error.

Examples:
  alyx-qc critical 2ffd3ed5-477e-4153-9af7-7fdad3c6946b
  alyx-qc critical <eid> --reasons 1,4 --other "estoy un poco preocupada" --yes
  alyx-qc critical <pid> --gui-reasons "Drift,Poor neural yield" --dry-run
`;

const SIGNOFF = `Usage: alyx-qc signoff <eid> --key <key> --kind <kind> [options]

Signs off one part of a session: asks the reasons that describe issues with it (and
the "Other" text), writes the sign-off note (or adds today's entry to the one that
exists), then sets json.sign_off_checklist[<key>] to today's date and your username,
keeping every other field of the session's JSON.

  --key <key>            the sign-off key, e.g. _ephysChoiceWorld_00, _passiveChoiceWorld_00,
                         _neuropixel_raw_probe00, _neuropixel_spike_sorting_probe00,
                         _neuropixel_alignment_probe00, _camera_left
  --kind <kind>          task, passive, video, raw-ephys, spike-sorting or alignment
  --no-note              sign off the checklist only (ibllib's sign_off())
  --figure <path>        the plot you judged (PNG or JPEG, at most 10 MB), attached as a
                         note of its own that names this sign-off (docs/figures.md)
  --reasons <nums>       0-based reason numbers, e.g. 1,3 (no prompt); see alyx-qc describe task
  --reason-text <text>   a reason by its exact text; repeat for several
  --other <text>         the free text for "Other", stored exactly as given

Typed answers are stripped and lower-cased (as ibllib stores them); --other is not.
Also: --base-url, --user, --dry-run, --json (see alyx-qc --help). Exit: 0 written,
1 aborted, 2 bad input (or several sign-off notes to clean up), 3 server or network error.

Examples:
  alyx-qc signoff <eid> --key _ephysChoiceWorld_00 --kind task
  alyx-qc signoff <eid> --key _ephysChoiceWorld_00 --kind task --reasons 1,4 --other "photodiode flat"
  alyx-qc signoff <eid> --key _camera_left --kind video --no-note
`;

const QUEUE = `Usage: alyx-qc queue --key <key> --kind <kind> (--eids <file>|- | --pending [--django <filter>])

Walks the sessions whose sign-off for <key> is due, one by one, with a progress line:
f signs off as fine (the checklist only, like sign_off()), r asks ibllib's questions
(the numbered reasons, then the "Other" text) and writes the note too, s skips, q stops.
Each sign-off is written while the next session is asked about; the command waits for
every write before it prints the table and exits (3 if any failed: run it again).

  --eids <file>       the sessions, one eid a line (# comments allowed); - reads them from
                      stdin up to an empty line, the answers following
  --pending           the sessions whose json.sign_off_checklist[<key>] is null or absent
  --django <filter>   narrows --pending, e.g. projects__name,ibl_neuropixel_brainwide_01

Also: --base-url, --user, --json. Example:
  alyx-qc queue --key _ephysChoiceWorld_00 --kind task --pending --django lab__name,cortexlab
`;

const STATUS = `Usage: alyx-qc status --key <key> (--eids <file>|- | --pending [--django <filter>])

Prints where each session stands for <key>: due, signed off by whom on which day (with the
reasons of its note), or why it cannot be signed off; then the counts. Three requests for up
to 250 sessions. --json prints one JSON object per session, a line each. --kind is optional.
`;

const DESCRIBE = `Usage: alyx-qc describe [<kind>] [--json]

Prints the header and the numbered reasons of a note kind: the numbers to type at the
prompt or pass to --reasons (0-based, as ibllib). Kinds: session, insertion (critical
notes), task, passive, video, raw-ephys, spike-sorting, alignment (sign-offs); the ids
critical-session, signoff-task, ... work too. Without a kind, lists the kinds.
`;

export function usageText(topic?: CommandName): string {
  switch (topic) {
    case 'critical':
      return CRITICAL;
    case 'signoff':
      return SIGNOFF;
    case 'describe':
      return DESCRIBE;
    case 'queue':
      return QUEUE;
    case 'status':
      return STATUS;
    default:
      return MAIN;
  }
}
