/**
 * @module Questions on the terminal (`tickline login`'s email, password and two-factor code): one
 * line each from standard input, a secret one not echoed on a terminal. Piped input (a script's
 * `printf 'ada@example.com\npassword\n' | tickline login`) is read as lines, one per question.
 */
import { createInterface, type Interface } from 'node:readline';

export type Prompt = (question: string, options?: { secret?: boolean }) => Promise<string>;

/** A prompt over this process's stdin and stderr (the answers never reach stdout). */
export function terminalPrompt(): Prompt {
  let rl: Interface | undefined;
  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let ended = false;
  let muted = false;
  /** Closed by us after an answer (stdin may have more), not by the input's end. */
  let closing = false;
  const open = (): Interface => {
    if (rl !== undefined) return rl;
    const terminal = process.stdin.isTTY === true;
    rl = createInterface({ input: process.stdin, output: process.stderr, terminal, prompt: '' });
    // readline echoes what is typed through this; a secret's keystrokes are dropped.
    const writer = rl as unknown as { _writeToOutput: (text: string) => void };
    const write = writer._writeToOutput.bind(rl);
    writer._writeToOutput = (text) => {
      if (!muted || text === '\r\n' || text === '\n') write(text);
    };
    rl.on('line', (line) => (waiting.length > 0 ? waiting.shift()!(line) : lines.push(line)));
    rl.on('close', () => {
      rl = undefined;
      if (!closing) ended = true;
      closing = false;
      for (const w of waiting.splice(0)) w(undefined);
    });
    return rl;
  };
  return async (question, { secret = false } = {}) => {
    process.stderr.write(question);
    muted = secret;
    const line =
      lines.length > 0
        ? lines.shift()
        : ended
          ? undefined
          : await new Promise<string | undefined>((r) => {
              waiting.push(r);
              open();
            });
    muted = false;
    if (secret && process.stdin.isTTY) process.stderr.write('\n');
    // Closed between questions, so a finished command is not held open by stdin; lines already
    // read (a pipe's) stay in `lines` for the next question.
    if (rl !== undefined) {
      closing = true;
      rl.close();
    }
    return line ?? '';
  };
}
