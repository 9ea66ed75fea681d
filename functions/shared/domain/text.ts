/**
 * A text (usually AWS's words) cut to at most `length` characters, its last one an ellipsis when cut,
 * so a reason never takes more than its share of the state or of a Fail state's Cause. Characters
 * are code points, so a cut never splits a surrogate pair (an emoji in an account name) into a lone
 * half that prints as garbage.
 */
export function clipText(text: string, length: number): string {
  if (length < 1) throw new RangeError(`a clipped text needs room for at least 1 character, not ${length}`);
  // No more UTF-16 units than `length` means no more code points either: the common case, not split.
  if (text.length <= length) return text;
  const points = [...text];
  return points.length <= length ? text : `${points.slice(0, length - 1).join('')}…`;
}

/**
 * A text cut to at most `length` characters by its middle, marked with an ellipsis: AWS's error texts
 * name the error first and the resource last, so both ends are kept (the head takes about 60%).
 * Characters are code points, as in clipText.
 */
export function clipMiddle(text: string, length: number): string {
  if (text.length <= length) return text;
  if (length < 1) throw new RangeError(`a clipped text needs room for at least 1 character, not ${length}`);
  const points = [...text];
  if (points.length <= length) return text;
  const head = Math.ceil((length - 1) * 0.6);
  return `${points.slice(0, head).join('')}…${points.slice(points.length - (length - 1 - head)).join('')}`;
}
