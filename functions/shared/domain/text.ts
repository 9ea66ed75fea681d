/**
 * A text (usually AWS's words) cut to at most `length` characters, its last one an ellipsis when cut,
 * so a reason never takes more than its share of the state or of a Fail state's Cause.
 */
export function clipText(text: string, length: number): string {
  if (length < 1) throw new RangeError(`a clipped text needs room for at least 1 character, not ${length}`);
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
