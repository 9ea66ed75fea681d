/** One page of an AWS list call, as the paginating caller hands it back. */
export interface Page<Item> {
  items: Item[] | undefined;
  nextToken: string | undefined;
}

/** Every item of a paginated list: follows NextToken until absent (a page may be empty while more remain). */
export async function everyPage<Item>(
  fetchPage: (nextToken: string | undefined) => Promise<Page<Item>>,
): Promise<Item[]> {
  const all: Item[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    all.push(...(page.items ?? []));
    // A service that hands back the token it was given would otherwise loop forever.
    token = page.nextToken === token ? undefined : page.nextToken;
  } while (token);
  return all;
}
