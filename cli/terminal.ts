/**
 * Text from the input or from AWS (ids, emails, names, reasons, causes) is printed through here,
 * so it can neither drive the terminal (ESC sequences, other C0 and C1 controls, DEL) nor reorder
 * what is shown around it (the Unicode bidirectional controls, UAX #9). Each such character is
 * shown escaped instead, as `\u202e`; everything else is printed as it is.
 */
// Cc is C0, DEL and C1; Bidi_Control is U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069.
const UNSAFE = /[\p{Cc}\p{Bidi_Control}]/gu;
// The same but LF, for messages of several lines and for JSON.stringify's layout (it escapes C0
// controls inside strings itself, but not DEL, C1 or bidi controls).
const UNSAFE_BUT_LF = /(?!\n)[\p{Cc}\p{Bidi_Control}]/gu;

const escaped = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One value, safe to print: every control and bidi character escaped, line breaks too. */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** A message of several lines (an error, a cause): as {@link terminalText}, but LF stays a line break. */
export function terminalLines(text: string): string {
  return text.replace(UNSAFE_BUT_LF, escaped);
}

/**
 * A value whose every string (object keys included) is {@link terminalText}: what the text printers
 * render from, so no field is forgotten. Only plain objects and arrays are entered.
 */
export function terminalSafe<T>(value: T): T {
  return safe(value) as T;
}

function safe(value: unknown): unknown {
  if (typeof value === 'string') return terminalText(value);
  if (Array.isArray(value)) return value.map(safe);
  if (value !== null && typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [terminalText(key), safe(field)]));
  }
  return value;
}

/**
 * `--json` output, the document as JSON.stringify lays it out with its remaining controls written as
 * \u escapes: they can only stand inside its strings, so the document parses to the same value.
 */
export function terminalJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(UNSAFE_BUT_LF, escaped)}\n`;
}
