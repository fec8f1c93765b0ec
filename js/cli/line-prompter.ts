/**
 * Questions at the terminal, one line per answer. All answers may arrive at once (piped from a
 * file or a test): lines are read through one async iterator created with the interface, so
 * every buffered line waits for its question instead of being dropped, as happens with
 * `readline.question()` when lines arrive before it is called.
 */
import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { PromptAborted } from './exit-codes.ts';
import { forTerminal } from './terminal-text.ts';

type Input = NodeJS.ReadableStream & { isTTY?: boolean };
type Output = NodeJS.WritableStream & { columns?: number };

/** readline's output, with a switch that stops the echo of what is typed (the password). */
class MutableOutput extends Writable {
  muted = false;
  constructor(private readonly target: Output) {
    super();
  }

  /** readline wraps long lines at this width. */
  get columns(): number {
    return this.target.columns ?? 80;
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.muted) this.target.write(chunk);
    callback();
  }
}

export class LinePrompter {
  readonly #input: Input;
  readonly #output: Output;
  readonly #echo: MutableOutput;
  readonly #onInterrupt: () => void;
  #rl: Interface | undefined;
  #lines: AsyncIterator<string> | undefined;
  #closed = false;
  #interrupted = false;
  #rejectPending: ((error: PromptAborted) => void) | undefined;

  /**
   * @param input where answers come from (stdin)
   * @param output where questions go (stdout, or stderr when stdout carries JSON)
   * @param onInterrupt called on Ctrl-C while the terminal is in raw mode (readline's SIGINT)
   */
  constructor(input: Input, output: Output, onInterrupt: () => void) {
    this.#input = input;
    this.#output = output;
    this.#echo = new MutableOutput(output);
    this.#onInterrupt = onInterrupt;
  }

  /** Whether a person can answer: stdin is a terminal. */
  get isTerminal(): boolean {
    return Boolean(this.#input.isTTY);
  }

  /** A line of conversation (the reasons list, "You selected…", "… is invalid"). */
  say(text: string): void {
    // One line, escaped: what is said quotes Alyx (see terminal-text.ts).
    this.#output.write(`${forTerminal(text)}\n`);
  }

  /**
   * Asks and resolves with the line typed, as typed (callers strip and lower-case as ibllib does).
   * Rejects with {@link PromptAborted} on Ctrl-C or end of input.
   */
  async ask(question: string): Promise<string> {
    return this.#ask(question, false);
  }

  /** Asks without echoing the answer (terminals only). */
  async askSecret(question: string): Promise<string> {
    if (!this.isTerminal) throw new Error('askSecret needs a terminal');
    return this.#ask(question, true);
  }

  /**
   * Ctrl-C: the question being asked, and any later one, fail with {@link PromptAborted}.
   * Returns whether a question was being asked.
   */
  interrupt(): boolean {
    this.#interrupted = true;
    const reject = this.#rejectPending;
    this.#rejectPending = undefined;
    reject?.(new PromptAborted('interrupt'));
    return reject !== undefined;
  }

  /** Gives the terminal back (raw mode off) and stops reading stdin. */
  close(): void {
    this.#rl?.close();
  }

  async #ask(question: string, secret: boolean): Promise<string> {
    if (this.#interrupted) throw new PromptAborted('interrupt');
    const lines = this.#open();
    // readline redraws only the last line of its prompt (on backspace, resize): give it that one.
    const lastBreak = question.lastIndexOf('\n');
    this.#output.write(question.slice(0, lastBreak + 1));
    const lastLine = question.slice(lastBreak + 1);
    if (this.#closed) this.#output.write(lastLine);
    else {
      this.#rl?.setPrompt(lastLine);
      this.#rl?.prompt();
    }
    this.#echo.muted = secret;
    const aborted = new Promise<never>((_resolve, reject) => {
      this.#rejectPending = reject;
    });
    try {
      const next = await Promise.race([lines.next(), aborted]);
      if (next.done) throw new PromptAborted('eof');
      return next.value;
    } catch (error) {
      // The cursor is after the question: end the line before any message.
      if (error instanceof PromptAborted && !secret) this.#output.write('\n');
      throw error;
    } finally {
      this.#rejectPending = undefined;
      if (secret) {
        this.#echo.muted = false;
        this.#output.write('\n');
      }
    }
  }

  #open(): AsyncIterator<string> {
    if (this.#lines) return this.#lines;
    const rl = createInterface({ input: this.#input, output: this.#echo, terminal: this.isTerminal, crlfDelay: Infinity });
    rl.on('close', () => {
      this.#closed = true;
    });
    rl.on('SIGINT', () => this.#onInterrupt());
    this.#rl = rl;
    this.#lines = rl[Symbol.asyncIterator]();
    return this.#lines;
  }
}
