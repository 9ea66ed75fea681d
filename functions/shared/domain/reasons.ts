/**
 * AWS's text for one membership, with the membership's own account id and Region written
 * `<account>` and `<Region>`. Texts such as "… not authorized to perform: sts:AssumeRole on
 * resource: arn:aws:iam::222222222222:role/…" name the account (and often the Region) they are
 * about; kept as they are, the same failure in 1,000 accounts would be 1,000 groups and overflow
 * Step Functions' 256 KiB. Generalized, it is one group, whose ids and pairs say where.
 */
export function generalizeReason(reason: string, accountId: string, region: string): string {
  return reason
    .replace(new RegExp(`(?<!\\d)${literal(accountId)}(?!\\d)`, 'g'), '<account>')
    .replace(new RegExp(`(?<![a-z0-9-])${literal(region)}(?![a-z0-9-])`, 'g'), '<Region>');
}

/** `text` as a pattern that matches it literally. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
