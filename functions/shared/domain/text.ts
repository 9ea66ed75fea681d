/**
 * A text (usually AWS's words) cut to at most `length` characters, its last one an ellipsis when cut,
 * so a reason never takes more than its share of the state or of a Fail state's Cause.
 */
export function clipText(text: string, length: number): string {
  if (length < 1) throw new RangeError(`a clipped text needs room for at least 1 character, not ${length}`);
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/**
 * A text cut to at most `length` characters by its middle, marked with an ellipsis: AWS's error texts
 * name the error first and the resource last, so both ends are kept (the head takes about 60%).
 */
export function clipMiddle(text: string, length: number): string {
  if (text.length <= length) return text;
  if (length < 1) throw new RangeError(`a clipped text needs room for at least 1 character, not ${length}`);
  const head = Math.ceil((length - 1) * 0.6);
  return `${text.slice(0, head)}…${text.slice(text.length - (length - 1 - head))}`;
}
