/**
 * The notebooks the host suite opens: the two widgets on objects of the test's own (ids from the
 * kernel's environment), as an `.ipynb` for the Jupyter hosts and a marimo app, which shows the
 * sign-off widget directly and the critical-note widget in `mo.ui.anywidget`.
 */

/** What the kernel reads from its environment. */
export interface HostNotebookEnv {
  readonly ALYX_QC_DEMO_URL: string;
  readonly ALYX_QC_EID: string;
  readonly ALYX_QC_PID: string;
}

const LOGIN = `import os

from one.webclient import AlyxClient

from alyx_qc import CriticalNote, SignOff

alyx = AlyxClient(base_url=os.environ["ALYX_QC_DEMO_URL"], username="test_user", password="TapetesBloc18", silent=True)
eid, pid = os.environ["ALYX_QC_EID"], os.environ["ALYX_QC_PID"]`;

const SIGN_OFF = 'signoff = SignOff(eid, key="_ephysChoiceWorld_00", kind="task", alyx=alyx)\nsignoff';
const CRITICAL = 'critical = CriticalNote(pid, alyx=alyx)\ncritical';

function cell(type: 'markdown' | 'code', source: string): Record<string, unknown> {
  const lines = source.split('\n').map((line, i, all) => (i < all.length - 1 ? `${line}\n` : line));
  return type === 'code'
    ? { cell_type: 'code', execution_count: null, id: `c${Math.abs(hash(source))}`, metadata: {}, outputs: [], source: lines }
    : { cell_type: 'markdown', id: `m${Math.abs(hash(source))}`, metadata: {}, source: lines };
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) | 0;
  return h;
}

/** The `.ipynb`: a heading, the login, the sign-off widget, a note, the critical-note widget, a last markdown cell. */
export function hostIpynb(): string {
  const cells = [
    cell('markdown', '# Host check'),
    cell('code', LOGIN),
    cell('code', SIGN_OFF),
    cell('markdown', 'Mark the insertion as CRITICAL.'),
    cell('code', CRITICAL),
    cell('markdown', 'The end.'),
  ];
  const metadata = { kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' }, language_info: { name: 'python' } };
  return `${JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 5 }, null, 1)}\n`;
}

/** The marimo app. */
export function hostMarimoApp(): string {
  const indent = (code: string): string => code.split('\n').map((line) => (line ? `    ${line}` : line)).join('\n');
  return `import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
${indent(LOGIN)}
    return CriticalNote, SignOff, alyx, eid, mo, pid


@app.cell
def _(SignOff, alyx, eid):
    signoff = SignOff(eid, key="_ephysChoiceWorld_00", kind="task", alyx=alyx)
    signoff
    return (signoff,)


@app.cell
def _(CriticalNote, alyx, mo, pid):
    critical = mo.ui.anywidget(CriticalNote(pid, alyx=alyx))
    critical
    return (critical,)


if __name__ == "__main__":
    app.run()
`;
}
