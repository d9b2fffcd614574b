const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gclsrc',
  'msclkid',
  'yclid',
  'mc_cid',
  'mc_eid',
  'igshid',
  'ref_src',
  '_ga',
  '_gl',
  'cmpid',
  'ncid',
  'ocid',
  'smid',
  'sr_share',
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || lower.startsWith('mtm_') || TRACKING_PARAMS.has(lower);
}

/**
 * Absolute http(s) URL with lower-case host, no fragment, no default port and no tracking
 * parameters; null when the value is not such a URL. Relative values resolve against `base`.
 */
export function normalizeUrl(
  value: string | null | undefined,
  base?: string | null,
): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > 4096) return null;
  let url: URL;
  try {
    url = base ? new URL(trimmed, base) : new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  url.hostname = url.hostname.toLowerCase();
  for (const name of [...url.searchParams.keys()]) {
    if (isTrackingParam(name)) url.searchParams.delete(name);
  }
  if (url.searchParams.size === 0) url.search = '';
  return url.toString();
}

/** "www.example.co.uk" → "example.co.uk"; null for unparseable URLs. */
export function siteDomain(url: string | null): string | null {
  if (url === null) return null;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\d?\./, '') || null;
  } catch {
    return null;
  }
}
