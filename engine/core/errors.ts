/**
 * Error types shared by the whole library.
 *
 * `InputError` is for anything the user gave us that is wrong (bad file content, bad option value):
 * the CLI maps it to exit code 2 and prints only its message. Anything else is an internal error (exit 1).
 */

/** Where in an input something went wrong. All fields optional; the message names what is known. */
export interface InputLocation {
  file?: string;
  line?: number;
  frame?: number;
}

/** Bad input or usage: the message names file, line or frame, what was expected and what was found. */
export class InputError extends Error {
  readonly location: InputLocation;
  constructor(message: string, location: InputLocation = {}) {
    super(formatLocated(message, location));
    this.name = 'InputError';
    this.location = location;
  }
}

/** A run stopped because the user asked (Ctrl-C, AbortSignal). */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** `file:line: frame N: message` with whichever parts are known. */
export function formatLocated(message: string, { file, line, frame }: InputLocation): string {
  let prefix = '';
  if (file !== undefined) prefix += file;
  if (line !== undefined) prefix += `${file !== undefined ? ':' : 'line '}${line}`;
  if (prefix) prefix += ': ';
  if (frame !== undefined) prefix += `frame ${frame}: `;
  return prefix + message;
}

/** Throw an InputError shaped `expected …, found …`. */
export function failExpected(expected: string, found: string, location: InputLocation = {}): never {
  throw new InputError(`expected ${expected}, found ${found}`, location);
}

/** Short printable excerpt of a found token/line for error messages. */
export function quoteFound(text: string, max = 60): string {
  const t = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(t);
}
