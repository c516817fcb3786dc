/*
 * A browser for scripts (the demo's simulated heads, tests, `dunghan login` on the local provider): a
 * cookie jar by host as a browser keeps it, redirects followed as a browser follows them, and the local
 * provider's sign-in form filled in. No token is ever put in a URL by it; what the pages set in cookies
 * stays in the jar.
 */

interface StoredCookie {
  value: string;
  path: string;
}

export class ScriptedBrowser {
  private readonly jar = new Map<string, Map<string, StoredCookie>>();
  /** The CSRF token the signed-in pages last showed (a used link's page has no form to take it from). */
  private csrf = '';

  private store(url: URL, response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const at = pair?.indexOf('=') ?? -1;
      if (!pair || at <= 0) continue;
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) || '/';
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a));
      const cookies = this.jar.get(url.hostname) ?? new Map<string, StoredCookie>();
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, { value, path });
      this.jar.set(url.hostname, cookies);
    }
  }

  /** The cookies this browser sends to a URL. */
  cookieHeader(url: URL): string {
    return [...(this.jar.get(url.hostname) ?? new Map<string, StoredCookie>())]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  /** One request, with this browser's cookies; no redirect followed. */
  async request(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(target);
    if (cookie) headers.set('cookie', cookie);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.store(target, response);
    return response;
  }

  /** A request and the redirects after it (a 303 or a 302 after a POST continues as GET), up to ten. */
  async open(url: string | URL, init: RequestInit = {}): Promise<{ response: Response; url: URL }> {
    let target = new URL(url);
    let response = await this.request(target, init);
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops += 1) {
      const location = response.headers.get('location');
      if (!location) break;
      await response.body?.cancel();
      target = new URL(location, target);
      // A redirect to a loopback client (the CLI's `http://127.0.0.1/callback`) is where a native app takes over.
      if (target.port === '' && target.hostname === '127.0.0.1') return { response, url: target };
      response = await this.request(target);
    }
    return { response, url: target };
  }

  /** Posts a form (application/x-www-form-urlencoded) and follows what comes after. */
  submit(url: string | URL, fields: Record<string, string>) {
    return this.open(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  /** The CSRF token a page shows, remembered for the next form; the last one when it shows none. */
  rememberCsrf(page: string): string {
    this.csrf = hiddenField(page, 'csrf') ?? this.csrf;
    return this.csrf;
  }

  /**
   * Opens a page of Đúng Hạn; if it sends the browser to the local provider's sign-in form, fills it in
   * and follows back. Returns the page finally shown.
   */
  async openSignedIn(url: string | URL, username: string, password: string) {
    const opened = await this.open(url);
    if (!/\/interaction\/[^/]+$/.test(opened.url.pathname)) return opened;
    await opened.response.text();
    return this.submit(`${opened.url.href}/login`, { username, password });
  }
}

/**
 * Opens an approval link as its head would, signed in, and posts the page's form with the link's token,
 * the session's CSRF token and the given fields.
 */
export async function approveThroughPage(
  browser: ScriptedBrowser,
  link: string,
  fields: Record<string, string>,
): Promise<Response> {
  const { response, url } = await browser.open(link);
  const token = new URL(link).searchParams.get('token') ?? '';
  const csrf = browser.rememberCsrf(await response.text());
  return (await browser.submit(url.origin + url.pathname, { token, csrf, ...fields })).response;
}

/** The value of a hidden form field in a page (the CSRF token). */
export function hiddenField(html: string, name: string): string | undefined {
  return new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];
}
