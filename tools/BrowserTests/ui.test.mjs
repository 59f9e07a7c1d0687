// End-to-end checks of the admin web UI in real headless Chromium. Started by the xunit suite
// (tests/Switchyard.Tests/Integration/AdminUiBrowserTests.cs) against a real gateway:
//   node ui.test.mjs <scenario>...   with SWITCHYARD_URL, SWITCHYARD_MASTER_KEY and CHROMIUM set.
// One browser serves every scenario named (each in a fresh context: no shared cookies or storage), since
// starting Chromium is most of the time. Prints one line per step; exits 1 on the first failed check.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const base = process.env.SWITCHYARD_URL.replace(/\/$/, '');
const masterKey = process.env.SWITCHYARD_MASTER_KEY;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const names = process.argv.slice(2);
const group = process.env.SWITCHYARD_GROUP || 'team';
const SUPER_ADMIN_PAGES = ['overview', 'keys', 'users', 'groups', 'channels', 'models', 'usage', 'requests', 'reports', 'audit'];
const step = text => console.log(`step: ${text}`);
// Screenshots of every page: test artifacts (under the test output folder), and a few kept in docs/ui/ for docs/ui.md.
const artifacts = process.env.SWITCHYARD_ARTIFACTS || join(process.cwd(), 'artifacts');
const docsShots = process.env.SWITCHYARD_DOCS_SHOTS || null;
const VIEWPORTS = { desktop: { width: 1400, height: 900 }, phone: { width: 390, height: 844 } };
const LANGS = { en: 'en-US', zh: 'zh-CN' };
// The menu in each language: a page in the wrong language (or a missing message) shows here first.
const MENU = {
  en: { overview: 'Overview', keys: 'Keys', users: 'Users', groups: 'Groups', channels: 'Channels', models: 'Models & prices', usage: 'Usage', requests: 'Request log', reports: 'Reconciliation & alerts', audit: 'Audit log' },
  zh: { overview: '概览', keys: '密钥', users: '用户', groups: '分组', channels: '渠道', models: '模型与价格', usage: '用量', requests: '请求日志', reports: '对账与告警', audit: '审计日志' },
};

let browser = null;

/**
 * Runs `run` in a fresh browser context. Console errors and page errors fail it; with `strict`, so does any request
 * the page makes that fails or answers 4xx/5xx (a page that works logs none).
 */
async function withPage(run, contextOptions = {}, { strict = false } = {}) {
  browser ??= await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  // English unless a scenario asks otherwise: the default language follows the browser's.
  const context = await browser.newContext({ locale: 'en-US', ...contextOptions });
  try {
    const page = await context.newPage();
    const failedRequests = [];
    page.on('response', response => {
      if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    page.on('requestfailed', request => {
      // A download the page hands to the browser is not a failure.
      if (!/ERR_ABORTED/.test(request.failure()?.errorText ?? '')) failedRequests.push(`failed ${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
    });
    // Generous: a 2-core machine running the whole suite can be slow to start a page; a wait only lasts this
    // long when something is really missing.
    page.setDefaultTimeout(20000);
    page.setDefaultNavigationTimeout(45000);
    const problems = [];
    page.on('pageerror', error => problems.push(`page error: ${error.message}`));
    page.on('console', message => {
      // A CSP violation or an uncaught failure shows here; 4xx answers the UI handles are expected noise.
      if (message.type() === 'error' && (strict || !/Failed to load resource/.test(message.text()))) problems.push(`console: ${message.text()}`);
    });
    await run(page, context);
    assert.deepEqual(problems, [], 'the page logged errors');
    if (strict) assert.deepEqual(failedRequests, [], 'the page made failing requests');
  } finally {
    await context.close();
  }
}

async function chat(secret) {
  const response = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  return response.status;
}

async function loginWithKey(page, key) {
  await page.goto(`${base}/ui/`);
  await page.fill('#login-key', key);
  await page.click('#key-login button[type=submit]');
  await page.waitForSelector('#logout');
}

async function loginWithPassword(page, name, password) {
  await page.goto(`${base}/ui/`);
  await page.fill('#login-name', name);
  await page.fill('#login-password', password);
  await page.click('#password-login button[type=submit]');
  await page.waitForSelector('#logout');
}

/** Creates a key in group 'team' through the keys page's dialog and waits for the one-time secret. */
async function createKey(page, name, more) {
  // On a phone the menu is folded behind its button.
  if (!(await page.isVisible('nav.nav'))) await page.click('.menu-toggle');
  await page.click('nav a[data-page=keys]');
  await page.waitForSelector('#keys-table');
  await page.click('#create-key');
  await page.fill('#key-name', name);
  if (await page.locator('#key-group:disabled, #key-group[readonly]').count()) {
    // Fixed to the signed-in admin's own group.
  } else if (await page.locator('select#key-group').count()) {
    await page.selectOption('#key-group', group);
  } else {
    await page.fill('#key-group', group);
  }
  if (more) await more();
  await page.click('dialog button[type=submit]');
  await page.waitForSelector('#new-key-panel');
}

/** Everything the page holds as text, attribute or form value: where a secret must not be. */
async function pageText(page) {
  return page.evaluate(() => document.documentElement.outerHTML
    + [...document.querySelectorAll('input, textarea')].map(i => i.value).join('\n'));
}

/** Waits until the page in #content has drawn its data (no "Loading…" left). */
async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('#content .notice.muted:first-child, #content .cards > .notice.muted')
    && ![...document.querySelectorAll('#content .notice.muted')].some(n => n.textContent.endsWith('…')));
}

/** Nothing is cut off or scrolls sideways: neither the page nor a table panel within it. */
async function assertFits(page, where) {
  const overflow = await page.evaluate(() => {
    const out = [];
    const page = document.documentElement.scrollWidth - window.innerWidth;
    if (page > 1) out.push(`page by ${page}px`);
    for (const el of document.querySelectorAll('#content .scroll, #content .table-wrap, #content .chart-panel')) {
      const extra = el.scrollWidth - el.clientWidth;
      if (extra > 1) out.push(`${el.className} ${el.querySelector('table')?.id ?? ''} by ${extra}px`);
    }
    return out;
  });
  assert.deepEqual(overflow, [], `${where}: scrolls sideways`);
}

async function openPage(page, name, phone) {
  if (phone && !(await page.isVisible('nav.nav'))) await page.click('.menu-toggle');
  await page.click(`nav a[data-page=${name}]`);
  // On a phone the menu folds again once a page is chosen: the active entry is there, just not shown.
  await page.waitForSelector(`nav a[data-page=${name}].active`, { state: 'attached' });
  await settled(page);
}

async function shot(page, name, docsName) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
  if (docsShots && docsName) {
    mkdirSync(docsShots, { recursive: true });
    await page.screenshot({ path: join(docsShots, `${docsName}.png`), fullPage: false });
  }
}

/**
 * Every page a role sees, in both languages at both sizes: the menu and `lang` in the language, no error notice,
 * nothing scrolling sideways, no console error, no failing request; a screenshot of each.
 */
async function tour(role, signIn, pages, docs = []) {
  for (const [lang, locale] of Object.entries(LANGS)) {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      await withPage(async page => {
        await signIn(page);
        assert.equal(await page.getAttribute('html', 'lang'), lang === 'zh' ? 'zh-CN' : 'en', 'lang on <html>');
        const phone = size === 'phone';
        if (phone) await page.click('.menu-toggle');
        const menu = await page.locator('nav a[data-page]').evaluateAll(links => links.map(a => [a.dataset.page, a.textContent]));
        assert.deepEqual(menu.map(m => m[0]), pages, `${role}'s menu`);
        for (const [name, text] of menu) assert.equal(text, MENU[lang][name], `menu entry ${name} in ${lang}`);
        if (phone) await page.click('.menu-toggle');
        for (const name of pages) {
          await openPage(page, name, phone);
          assert.equal(await page.locator('#content h1').count(), 1, `${name} has a heading`);
          assert.deepEqual(await page.locator('#content .notice.error').allTextContents(), [], `${name} shows an error`);
          await shot(page, `${role}-${name}-${lang}-${size}`, docs.includes(name) && (size === 'desktop' || name === 'overview') ? `${name}-${lang}${phone ? '-phone' : ''}` : null);
          await assertFits(page, `${role} ${name} ${lang} ${size}`);
        }
        step(`${role}, ${lang}, ${viewport.width}x${viewport.height}: ${pages.length} pages, no errors, nothing sideways`);
      }, { locale, viewport }, { strict: true });
    }
  }
}

const scenarios = {
  // The language: from the browser by default, switched in the top bar and remembered, on <html lang>, in
  // dates and numbers; the theme switch next to it.
  async language() {
    await withPage(async page => {
      await page.goto(`${base}/ui/`);
      await page.waitForSelector('#password-login');
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      assert.equal((await page.textContent('#password-login h2')).trim(), '登录');
      await loginWithKey(page, masterKey);
      assert.equal(await page.textContent('#who-role'), '超级管理员');
      assert.equal(await page.evaluate(() => Object.keys(localStorage).length), 0, 'the default language is not stored');
      await page.selectOption('#lang-switch', 'en');
      await page.waitForSelector('nav a[data-page=keys]:text-is("Keys")');
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.reload();
      await page.waitForSelector('nav a[data-page=keys]:text-is("Keys")');
      assert.equal(await page.textContent('#who-role'), 'Super admin');
      step('a Chinese browser starts in Chinese; the switch to English is remembered over a reload');
      await page.selectOption('#lang-switch', 'zh');
      await page.goto(`${base}/ui/#/usage?group_by=model`);
      await page.waitForSelector('#usage-table');
      const cost = await page.locator('#usage-table tfoot td').last().textContent();
      assert.match(cost, /^US\$|^\$/, `cost in zh: ${cost}`);
      assert.equal(await page.locator('#usage-table thead th').first().textContent(), '模型');
      step(`usage in Chinese: ${cost}`);

      assert.equal(await page.getAttribute('html', 'data-theme'), null, 'the system theme is the default');
      await page.selectOption('#theme-switch', 'dark');
      assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await page.reload();
      await page.waitForSelector('#logout');
      assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), background);
      step(`dark theme remembered (${background})`);
    }, { locale: 'zh-CN', colorScheme: 'light' }, { strict: true });
  },

  // An upstream's export uploaded on the reports page: a verdict for each model, and the report listed.
  async reconciliation() {
    await withPage(async page => {
      await loginWithKey(page, masterKey);
      await page.goto(`${base}/ui/#/reports`);
      await page.waitForSelector('#reconcile-form');
      await page.waitForSelector('#alerts-table');
      await page.selectOption('#reconcile-channel', 'mock');
      await page.fill('#reconcile-day', '2026-11-30');
      await page.setInputFiles('#reconcile-file', { name: 'export.csv', mimeType: 'text/csv',
        buffer: Buffer.from('date,model,input_tokens,output_tokens,cost\n2026-11-30,gpt-4o,1000,200,0.5\n') });
      await page.click('#reconcile-form button[type=submit]');
      const row = page.locator('#reconciliation-models tbody tr', { hasText: 'gpt-4o' });
      await row.waitFor();
      assert.equal((await row.locator('.badge').textContent()).trim(), '网关无记录');
      assert.equal((await page.locator('#reconciliation-report h3 .badge').textContent()).trim(), '不一致');
      await page.locator('#reconciliation-table tbody tr', { hasText: '2026-11-30' }).waitFor();
      await shot(page, 'super_admin-reconciliation-zh-desktop');
      step('a reconciliation upload shows each model\'s verdict (in Chinese) and is listed');
    }, { locale: 'zh-CN', viewport: VIEWPORTS.desktop }, { strict: true });
  },

  // Channel tests: one key, then every key of a channel; status, latency and the upstream's words shown, the
  // outcome kept as the key's last health check; in both languages at both sizes.
  async 'channel-test'() {
    const words = { en: { passed: 'passed', failed: 'failed' }, zh: { passed: '通过', failed: '失败' } };
    for (const [lang, locale] of Object.entries(LANGS)) {
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        await withPage(async page => {
          await loginWithKey(page, masterKey);
          await page.goto(`${base}/ui/#/channels`);
          await page.waitForSelector('#channels-table');
          await page.click('#channels-table [data-test-key="mock#0"]');
          const passed = page.locator('#channel-test-result li[data-key="mock#0"]');
          await passed.waitFor();
          assert.equal((await passed.locator('.badge').textContent()).trim(), words[lang].passed);
          assert.match(await passed.textContent(), /200/);
          // The table, drawn again, shows the outcome as the key's last health check.
          await page.locator('#channels-table li', { has: page.locator('[data-test-key="mock#0"]') }).locator('.hint').waitFor();

          await page.click('#channels-table [data-test-channel="unreachable"]');
          const failed = page.locator('#channel-test-result li[data-key="unreachable#0"]');
          await failed.waitFor();
          assert.equal((await failed.locator('.badge').textContent()).trim(), words[lang].failed);
          assert.match(await failed.locator('.test-error').textContent(), /^unreachable/);
          assert.ok(!(await pageText(page)).includes('nobody-home'), 'an upstream key reached the page');
          await assertFits(page, `channel test ${lang} ${size}`);
          await shot(page, `super_admin-channel-test-${lang}-${size}`, size === 'desktop' ? `channel-test-${lang}` : null);
          step(`channel tests in ${lang} at ${viewport.width}x${viewport.height}: a key passed, an unreachable channel failed with its reason`);
        }, { locale, viewport }, { strict: true });
      }
    }
  },

  async 'tour-super'() {
    await chat(process.env.SWITCHYARD_CLIENT_KEY);
    await tour('super_admin', page => loginWithKey(page, masterKey), SUPER_ADMIN_PAGES, ['overview', 'keys', 'usage', 'requests']);
  },

  async 'tour-roles'() {
    await tour('group_admin', page => loginWithPassword(page, process.env.SWITCHYARD_GROUP_ADMIN, process.env.SWITCHYARD_GROUP_ADMIN_PASSWORD),
      ['overview', 'keys', 'users', 'groups', 'models', 'usage', 'requests']);
    await tour('user', page => loginWithPassword(page, process.env.SWITCHYARD_PLAIN_USER, process.env.SWITCHYARD_PLAIN_USER_PASSWORD),
      ['overview', 'keys', 'models', 'usage', 'requests']);
  },


  // Security headers on the UI itself, and a script injected through data stays text.
  async headers() {
    const index = await fetch(`${base}/ui/`);
    assert.equal(index.status, 200);
    const csp = index.headers.get('content-security-policy');
    assert.ok(csp && csp.includes("script-src 'self'") && csp.includes("default-src 'none'"), `CSP header: ${csp}`);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
    step('CSP header present on /ui/');
    const html = await index.text();
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'index.html has an inline script');
    await withPage(async page => {
      const response = await page.goto(`${base}/ui/`);
      assert.ok(response.headers()['content-security-policy'], 'the browser saw the CSP header');
      await loginWithKey(page, masterKey);
      const hostile = `<img src=x id=pwned onerror="window.__pwned=1"> ${Date.now()}`;
      await createKey(page, hostile);
      await page.click('#new-key-done');
      await page.waitForSelector('#keys-table');
      await page.getByText(hostile, { exact: true }).first().waitFor();
      assert.equal(await page.locator('#pwned').count(), 0, 'data became markup');
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      step('a key named like markup is shown as text');
    });
  },

  // The master key signs in; a key is created, its secret seen once, listed masked, used, and revoked.
  async 'master-key'() {
    await withPage(async (page, context) => {
      await loginWithKey(page, masterKey);
      assert.equal(await page.textContent('#who-role'), 'Super admin');
      for (const name of SUPER_ADMIN_PAGES) {
        assert.equal(await page.locator(`nav a[data-page=${name}]`).count(), 1, `nav has ${name}`);
      }
      step('signed in with the master key; the super admin sees every page');

      const keyName = `browser-made-${Date.now()}`;
      await createKey(page, keyName, async () => {
        await page.fill('#key-models', 'gpt-4o-mini');
        await page.fill('#f-key-limit-rpm', '7');
      });
      const secret = await page.inputValue('#new-key-secret');
      assert.match(secret, /^sk-sy-/);
      step('the new key\'s secret is shown');
      assert.equal(await chat(secret), 200, 'the new key works');

      const row = page.locator('#keys-table tr', { hasText: keyName });
      await row.waitFor();
      const hint = (await row.locator('code').textContent()).trim();
      assert.ok(hint.length > 0 && hint !== secret && !hint.includes(secret.slice(10, -4)), `masked hint: ${hint}`);
      assert.ok(secret.endsWith(hint.slice(-4)), 'the hint ends like the secret');
      step(`listed masked as ${hint}`);

      await page.click('#new-key-done');
      await page.waitForSelector('#new-key-panel', { state: 'detached' });
      assert.ok(!(await pageText(page)).includes(secret), 'the secret is still in the page');
      const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
      assert.ok(!stored.includes(secret), 'the secret was stored in the browser');
      await page.reload();
      await page.waitForSelector('#keys-table');
      assert.ok(!(await pageText(page)).includes(secret), 'the secret came back after a reload');
      step('the secret is gone once dismissed, and after a reload');

      await page.locator('#keys-table tr', { hasText: keyName }).getByRole('button', { name: 'Limits' }).click();
      await page.waitForSelector('#key-details table.quota');
      const quota = await page.textContent('#key-details table.quota');
      assert.ok(quota.includes('Requests / minute') && quota.includes('7'), `quota: ${quota}`);
      assert.ok(!(await pageText(page)).includes(secret));
      await page.click('#key-details button:has-text("Close")');
      step('the key\'s limits show used and remaining');

      // Edited in place: a new limit, the same secret; the list shows its use and spend this month.
      await page.click(`#keys-table [data-edit="${keyName}"]`);
      await page.fill('#f-edit-key-limit-rpm', '9');
      await shot(page, 'super_admin-key-edit-en-desktop');
      await page.click('dialog button[type=submit]');
      await page.waitForSelector('dialog', { state: 'detached' });
      await page.locator('#keys-table tr', { hasText: keyName }).getByRole('button', { name: 'Limits' }).click();
      await page.waitForSelector('#key-details table.quota');
      assert.ok((await page.textContent('#key-details table.quota')).includes('9'), 'the edited limit');
      await page.click('#key-details button:has-text("Close")');
      assert.equal(await chat(secret), 200, 'the edited key still works');
      assert.equal(await page.locator('#keys-table thead th', { hasText: 'Spend this month' }).count(), 1);
      step('edited the key\'s limit in place; the list shows last use and spend this month');

      await page.click(`#keys-table [data-revoke="${keyName}"]`);
      await page.click('dialog button.danger');
      await page.locator('#keys-table tr', { hasText: keyName }).locator('.badge', { hasText: 'revoked' }).waitFor();
      assert.equal(await chat(secret), 401, 'the revoked key still works');
      step('revoked: the gateway refuses the key');

      const cookies = await context.cookies();
      assert.deepEqual(cookies, [], 'a key login sets no cookie');
      assert.equal(await page.evaluate(() => Object.keys(localStorage).length), 0, 'nothing in localStorage');
      await page.click('#logout');
      await page.waitForSelector('#key-login');
      assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'logout forgets the key');
      step('logged out; the key is forgotten');
    });
  },

  // Every page of the super admin renders: its content, or a clear notice when the server lacks an endpoint.
  async pages() {
    await withPage(async page => {
      await loginWithKey(page, masterKey);
      for (const name of SUPER_ADMIN_PAGES) {
        await page.click(`nav a[data-page=${name}]`);
        await page.waitForSelector(`nav a[data-page=${name}].active`);
        await page.waitForFunction(() => !document.querySelector('#content .notice.muted')?.textContent.startsWith('Loading'));
        assert.equal(await page.locator('#content h1').count(), 1, `${name} has a heading`);
        const broken = await page.locator('#content .notice.error').allTextContents();
        assert.deepEqual(broken, [], `${name} shows an error`);
        step(`${name}: ${(await page.textContent('#content h1')).trim()}`);
      }
    });
  },

  // A user signs in with name and password: an HttpOnly session cookie, writes with the CSRF token, logout.
  async 'password-login'() {
    const name = process.env.SWITCHYARD_ADMIN_USER;
    const password = process.env.SWITCHYARD_ADMIN_PASSWORD;
    await withPage(async (page, context) => {
      await page.goto(`${base}/ui/`);
      await page.fill('#login-name', name);
      await page.fill('#login-password', 'not the password');
      await page.click('#password-login button[type=submit]');
      await page.getByText('Wrong name or password.').waitFor();
      step('a wrong password is refused');

      await loginWithPassword(page, name, password);
      assert.equal((await page.textContent('#who-name')).trim(), name);
      assert.equal(await page.textContent('#who-role'), 'Super admin');
      const cookie = (await context.cookies()).find(c => c.name === 'sy_session');
      assert.ok(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', `session cookie: ${JSON.stringify(cookie && { ...cookie, value: '…' })}`);
      assert.equal(await page.evaluate(() => sessionStorage.length + localStorage.length), 0, 'a password login stores nothing in the page');
      assert.equal(await page.evaluate(() => document.cookie.includes('sy_session')), false, 'the cookie is readable by scripts');
      step('signed in with a password: HttpOnly SameSite=Strict cookie, nothing in storage');

      const forged = await page.evaluate(async group => (await fetch('/admin/keys', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'forged', group }),
      })).status, group);
      assert.equal(forged, 403, 'a cookie write without the CSRF token was accepted');
      step('a cookie write without the CSRF header is refused');

      const keyName = `session-made-${Date.now()}`;
      await createKey(page, keyName);
      const secret = await page.inputValue('#new-key-secret');
      assert.match(secret, /^sk-sy-/);
      await page.click('#new-key-done');
      assert.ok(!(await pageText(page)).includes(secret));
      await page.click(`#keys-table [data-revoke="${keyName}"]`);
      await page.click('dialog button.danger');
      await page.locator('#keys-table tr', { hasText: keyName }).locator('.badge', { hasText: 'revoked' }).waitFor();
      assert.equal(await chat(secret), 401);
      step('created and revoked a key through the session (with the CSRF header)');

      await page.reload();
      await page.waitForSelector('#logout');
      step('the session survives a reload');
      await page.click('#logout');
      await page.waitForSelector('#password-login');
      await page.reload();
      await page.waitForSelector('#password-login');
      const after = await page.evaluate(async () => (await fetch('/admin/keys')).status);
      assert.equal(after, 401, 'the session still works after logout');
      step('logged out: the session is gone');
    });
  },

  // A group admin sees its group's pages, not channels, prices or the audit log, and the API agrees.
  async 'group-admin'() {
    await withPage(async page => {
      await loginWithPassword(page, process.env.SWITCHYARD_GROUP_ADMIN, process.env.SWITCHYARD_GROUP_ADMIN_PASSWORD);
      assert.equal(await page.textContent('#who-role'), 'Group admin');
      for (const name of ['channels', 'audit']) {
        assert.equal(await page.locator(`nav a[data-page=${name}]`).count(), 0, `a group admin's menu has ${name}`);
      }
      for (const name of ['keys', 'users', 'groups', 'models']) {
        assert.equal(await page.locator(`nav a[data-page=${name}]`).count(), 1, `a group admin's menu lacks ${name}`);
      }
      await page.goto(`${base}/ui/#/channels`);
      await page.getByText('Channels is not available to your role.').waitFor();
      assert.equal(await page.locator('#channels-table').count(), 0);
      assert.equal(await page.evaluate(async () => (await fetch('/admin/channels')).status), 403, 'the API lets a group admin read channels');
      step('a group admin does not see channels');

      await page.click('nav a[data-page=groups]');
      await page.waitForSelector('#groups-table');
      const groups = await page.locator('#groups-table tbody tr').count();
      assert.equal(groups, 1, 'a group admin sees other groups');
      await createKey(page, `team-made-${Date.now()}`);
      assert.ok((await page.inputValue('#new-key-secret')).startsWith('sk-sy-'));
      await page.click('#new-key-done');
      step('a group admin sees its own group and creates a key in it');
    });
  },

  // A request shows up in the usage report (table, chart) and in the CSV download.
  async usage() {
    assert.equal(await chat(process.env.SWITCHYARD_CLIENT_KEY), 200);
    await withPage(async page => {
      await loginWithKey(page, masterKey);
      await page.goto(`${base}/ui/#/usage?group_by=model`);
      const row = page.locator('#usage-table tbody tr', { hasText: 'gpt-4o-mini' });
      await row.waitFor();
      const cells = await row.locator('td').allTextContents();
      assert.ok(Number(cells[1]) >= 1, `requests: ${cells}`);
      assert.ok(await page.locator('#usage-result svg.chart rect.bar').count() >= 1, 'no chart bars');
      step(`usage by model: ${cells.join(' | ')}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#usage-csv')]);
      assert.match(download.suggestedFilename(), /^usage-model-.*\.csv$/);
      const chunks = [];
      for await (const chunk of await download.createReadStream()) chunks.push(chunk);
      const csv = Buffer.concat(chunks).toString('utf8');
      assert.ok(csv.startsWith('key,requests,input_tokens'), csv);
      assert.ok(csv.includes('gpt-4o-mini,'), csv);
      step('the CSV download has the same rows');
    });
  },

  // A plain user sees its own keys and usage, nobody else's, and no admin pages.
  async 'user-role'() {
    await withPage(async page => {
      await loginWithPassword(page, process.env.SWITCHYARD_PLAIN_USER, process.env.SWITCHYARD_PLAIN_USER_PASSWORD);
      assert.equal(await page.textContent('#who-role'), 'User');
      const menu = await page.locator('nav a[data-page]').evaluateAll(links => links.map(a => a.dataset.page));
      assert.deepEqual(menu, ['overview', 'keys', 'models', 'usage', 'requests']);
      await page.click('nav a[data-page=keys]');
      await page.waitForSelector('#keys-table');
      const owners = await page.locator('#keys-table tbody td[data-label=User]').allTextContents();
      assert.ok(owners.length >= 1 && owners.every(o => o === process.env.SWITCHYARD_PLAIN_USER), `keys of: ${owners}`);
      const other = await page.evaluate(async () => (await fetch('/admin/users/lead')).status);
      assert.ok(other === 403 || other === 404, `a user read another user: ${other}`);
      step(`a user sees only its own keys (${owners.length}) and pages ${menu.join(', ')}`);

      // Someone else's request too, so a report that is not scoped would show it.
      assert.equal(await chat(process.env.SWITCHYARD_CLIENT_KEY), 200);
      assert.equal(await chat(process.env.SWITCHYARD_OTHER_KEY), 200);
      await page.goto(`${base}/ui/#/usage?group_by=user`);
      const users = page.locator('#usage-table tbody td:first-child');
      await users.first().waitFor();
      assert.deepEqual(await users.allTextContents(), [process.env.SWITCHYARD_PLAIN_USER], 'a user\'s usage report shows other users');
      step('a user\'s usage report holds its own usage only');
    });
  },

  // A user's own view: its limits and its group's with used and remaining, the models its group may use at the
  // group's prices, and a new key's set-ups for each client with the secret filled in, gone once dismissed.
  async 'self-service'() {
    const user = process.env.SWITCHYARD_PLAIN_USER;
    const words = { en: { own: 'Yours', multiplier: '×1.5' }, zh: { own: '我的', multiplier: '×1.5' } };
    for (const [lang, locale] of Object.entries(LANGS)) {
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        // A request in this minute, so the per-minute limit shows some use.
        assert.equal(await chat(process.env.SWITCHYARD_CLIENT_KEY), 200);
        await withPage(async page => {
          await loginWithPassword(page, user, process.env.SWITCHYARD_PLAIN_USER_PASSWORD);
          await page.goto(`${base}/ui/#/overview`);
          await page.waitForSelector('#limits-own table.quota');
          await page.waitForSelector('#limits-group table.quota');
          assert.equal((await page.textContent('#limits-own h3')).trim(), words[lang].own);
          const own = await page.locator('#limits-own table.quota tbody tr').first().locator('td').allTextContents();
          assert.equal(own[2], '50', `own rpm limit: ${own}`);
          assert.ok(Number(own[3]) >= 1 && Number(own[4]) <= 49, `own rpm used and remaining: ${own}`);
          await assertFits(page, `overview limits ${lang} ${size}`);
          await shot(page, `user-overview-limits-${lang}-${size}`, size === 'desktop' ? `user-overview-${lang}` : null);

          await page.goto(`${base}/ui/#/models`);
          await page.waitForSelector('#member-models-table');
          await settled(page);
          const names = await page.locator('#member-models-table tbody td:first-child code').allTextContents();
          const usable = await page.evaluate(async g => (await (await fetch(`/admin/groups/${g}/models`)).json()).data.map(m => m.name), group);
          assert.deepEqual(names, usable, 'the page lists exactly the models the group may use');
          assert.ok(names.includes('gpt-4o-mini'), `usable models: ${names}`);
          assert.ok((await page.textContent('#content')).includes(words[lang].multiplier), 'the group multiplier is named');
          await assertFits(page, `member models ${lang} ${size}`);
          await shot(page, `user-models-${lang}-${size}`, size === 'desktop' ? `user-models-${lang}` : null);

          await createKey(page, `snippets-${lang}-${size}-${Date.now()}`);
          const secret = await page.inputValue('#new-key-secret');
          await page.click('#snippet-curl summary');
          await page.locator('#new-key-panel').scrollIntoViewIfNeeded();
          await shot(page, `user-key-snippets-${lang}-${size}`, size === 'desktop' ? `key-snippets-${lang}` : null);
          await page.click('#snippet-curl summary');
          for (const id of ['curl', 'python', 'claude', 'codex', 'gemini']) {
            await page.click(`#snippet-${id} summary`);
            const text = await page.textContent(`#snippet-${id} pre`);
            assert.ok(text.includes(secret), `${id} snippet lacks the secret`);
            assert.ok(text.includes(base), `${id} snippet lacks the base URL`);
          }
          assert.ok((await page.textContent('#snippet-claude pre')).includes(`ANTHROPIC_BASE_URL=${base}\n`), 'Claude Code takes the address without /v1');
          assert.ok((await page.textContent('#snippet-codex pre')).includes(`base_url = "${base}/v1"`), 'Codex takes /v1');
          assert.ok((await page.textContent('#snippet-gemini pre')).includes(`GOOGLE_GEMINI_BASE_URL=${base}\n`));
          const model = (await page.textContent('#snippet-curl pre')).match(/"model":"([^"]+)"/)?.[1];
          assert.ok(usable.includes(model), `the curl snippet names ${model}, not a usable model`);
          await assertFits(page, `key snippets ${lang} ${size}`);
          await page.click('#new-key-done');
          await page.waitForSelector('#new-key-panel', { state: 'detached' });
          assert.ok(!(await pageText(page)).includes(secret), 'the secret stayed in the page');
          step(`self-service in ${lang} at ${viewport.width}x${viewport.height}: limits, models at the group's prices, snippets once`);
        }, { locale, viewport }, { strict: true });
      }
    }
  },

  // On a phone-sized screen the menu folds behind a button and nothing scrolls sideways.
  async mobile() {
    await withPage(async page => {
      await loginWithKey(page, masterKey);
      assert.equal(await page.isVisible('nav.nav'), false, 'the menu is open on a small screen');
      await page.click('.menu-toggle');
      await page.click('nav a[data-page=keys]');
      await page.waitForSelector('#keys-table');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow}px`);
      step('phone layout: folded menu, no sideways scrolling');
    }, { viewport: { width: 390, height: 800 } });
  },

  // A wrong admin key is refused on the login page.
  async 'wrong-key'() {
    await withPage(async page => {
      await page.goto(`${base}/ui/`);
      await page.fill('#login-key', 'sk-sy-not-a-real-key-00000000000000000000');
      await page.click('#key-login button[type=submit]');
      await page.getByText('This key was not accepted.').waitFor();
      assert.equal(await page.locator('#logout').count(), 0);
      assert.equal(await page.evaluate(() => sessionStorage.length), 0);
      step('a wrong key is refused and not kept');
    });
  },
};

const unknown = names.filter(name => !scenarios[name]);
if (names.length === 0 || unknown.length) {
  console.error(`unknown scenario(s) '${unknown.join(', ')}'; known: ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const name of names) {
  try {
    await scenarios[name]();
    console.log(`passed: ${name}`);
  } catch (error) {
    console.error(`FAILED: ${name}: ${error.stack || error}`);
    failed = true;
  }
}
await browser?.close();
process.exit(failed ? 1 : 0);
