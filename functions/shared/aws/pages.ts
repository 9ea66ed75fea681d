/** One page of an AWS list call, as the paginating caller hands it back. */
export interface Page<Item> {
  items: Item[] | undefined;
  nextToken: string | undefined;
}

/**
 * Every item of a paginated list: follows NextToken until absent (a page may be empty while more remain).
 * `onPage` is told each page's items as they arrive, for a caller with work to do meanwhile.
 */
export async function everyPage<Item>(
  fetchPage: (nextToken: string | undefined) => Promise<Page<Item>>,
  onPage?: (items: readonly Item[]) => void,
): Promise<Item[]> {
  const all: Item[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    const items = page.items ?? [];
    all.push(...items);
    onPage?.(items);
    // A service that hands back the token it was given would otherwise loop forever.
    token = page.nextToken === token ? undefined : page.nextToken;
  } while (token);
  return all;
}
