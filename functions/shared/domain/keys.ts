/**
 * The one way to name a Region × service pair, or a membership (account, Region, service), as a Map
 * key: two places that build the same key differently would silently never match.
 */
export function pairKey(region: string, service: string): string {
  return `${region}|${service}`;
}

/** One membership's identity: account, Region and service. */
export function membershipKey(accountId: string, region: string, service: string): string {
  return `${accountId}|${pairKey(region, service)}`;
}
