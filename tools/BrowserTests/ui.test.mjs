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
const SUPER_ADMIN_PAGES = ['overview', 'playground', 'keys', 'users', 'groups', 'channels', 'models', 'routes', 'usage', 'requests', 'reports', 'audit'];
const step = text => console.log(`step: ${text}`);
// Screenshots of every page: test artifacts (under the test output folder), and a few kept in docs/ui/ for docs/ui.md.
const artifacts = process.env.SWITCHYARD_ARTIFACTS || join(process.cwd(), 'artifacts');
const docsShots = process.env.SWITCHYARD_DOCS_SHOTS || null;
const VIEWPORTS = { desktop: { width: 1400, height: 900 }, phone: { width: 390, height: 844 } };
const LANGS = { en: 'en-US', zh: 'zh-CN' };
// The menu in each language: a page in the wrong language (or a missing message) shows here first.
const MENU = {
  en: { overview: 'Overview', playground: 'Playground', keys: 'Keys', users: 'Users', groups: 'Groups', channels: 'Channels', models: 'Models & prices', routes: 'Routes & splits', usage: 'Usage', requests: 'Request log', reports: 'Reconciliation & alerts', audit: 'Audit log' },
  zh: { overview: '概览', playground: '调试台', keys: '密钥', users: '用户', groups: '分组', channels: '渠道', models: '模型与价格', routes: '路由与分流', usage: '用量', requests: '请求日志', reports: '对账与告警', audit: '审计日志' },
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

  // The routes page: the config's rule read-only, the stored ones in order with their arms' figures, in both
  // languages and sizes; a super admin moves a split to 100 %, turns a rule off, reorders, deletes and adds one.
  async routes() {
    const admin = async (method, path, body) => {
      const response = await fetch(`${base}${path}`, {
        method, headers: { Authorization: `Bearer ${masterKey}`, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
      });
      return { status: response.status, body: response.status === 204 ? null : await response.json() };
    };
    const split = { sticky: 'key', arms: [{ name: 'blue', percent: 50, channels: ['mock'] }, { name: 'green', percent: 50, channels: ['mock'] }] };
    assert.equal((await admin('POST', '/admin/routes', { name: 'ui-ab', model: 'gpt-4o-mini', split })).status, 201);
    assert.equal((await admin('POST', '/admin/routes', { name: 'ui-second', model: 'gpt-4o', when: { headers: { 'x-ui': 'b' } }, target: { model: 'gpt-4o-mini' } })).status, 201);
    for (let i = 0; i < 4; i++) assert.equal(await chat(process.env.SWITCHYARD_CLIENT_KEY), 200);
    for (let i = 0; (await admin('GET', '/admin/usage?group_by=arm')).body.rows.length === 0; i++) {
      assert.ok(i < 100, 'the ledger never showed the arm');
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    const order = async page => page.locator('#routes-table tbody tr').evaluateAll(rows => rows.map(r => r.dataset.rule));

    for (const [lang, locale] of Object.entries(LANGS)) {
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        await withPage(async page => {
          await loginWithKey(page, masterKey);
          await openPage(page, 'routes', size === 'phone');
          await page.waitForSelector('#arms-table');
          assert.deepEqual(await order(page), ['ui-canary', 'ui-ab', 'ui-second']);
          assert.equal(await page.locator('#routes-table tr[data-rule=ui-canary] button').count(), 0, 'a config rule has no buttons');
          const arm = await page.locator('#arms-table tbody tr').first().getAttribute('data-key');
          assert.match(arm, /^ui-ab\/(blue|green)$/);
          await shot(page, `super_admin-routes-${lang}-${size}`, size === 'desktop' ? `routes-${lang}` : null);
          await assertFits(page, `routes ${lang} ${size}`);
          step(`routes in ${lang} at ${viewport.width}x${viewport.height}: three rules in order, ${arm}'s figures`);
        }, { locale, viewport }, { strict: true });
      }
    }

    await withPage(async page => {
      await loginWithKey(page, masterKey);
      await openPage(page, 'routes', false);
      await page.click('#routes-table tr[data-rule=ui-ab] button[data-act=split]');
      await page.fill('#split-percent-0', '0');
      await page.fill('#split-percent-1', '100');
      await page.click('dialog button[type=submit]');
      await page.locator('#routes-table tr[data-rule=ui-ab] li[data-arm=green]', { hasText: '100%' }).waitFor();
      assert.deepEqual((await admin('GET', '/admin/routes/ui-ab')).body.split.arms.map(a => a.percent), [0, 100]);
      step('a split moved to 100 % from the page');

      await page.click('#routes-table tr[data-rule=ui-second] button[data-act=toggle]');
      await page.locator('#routes-table tr[data-rule=ui-second] .badge.warn').waitFor();
      assert.equal((await admin('GET', '/admin/routes/ui-second')).body.enabled, false);
      await page.click('#routes-table tr[data-rule=ui-ab] button[data-act=down]');
      await page.waitForFunction(() => [...document.querySelectorAll('#routes-table tbody tr')].map(r => r.dataset.rule).join() === 'ui-canary,ui-second,ui-ab');
      step('a rule turned off, and the order changed');

      await page.click('#routes-table tr[data-rule=ui-second] button[data-act=delete]');
      await page.click('dialog button.danger');
      await page.locator('#routes-table tr[data-rule=ui-second]').waitFor({ state: 'detached' });
      await page.click('#add-route');
      await page.fill('#route-json', JSON.stringify({ name: 'ui-new', model: 'gpt-4o', when: { protocols: ['gemini'] }, target: { model: 'gpt-4o-mini' } }));
      await page.click('dialog button[type=submit]');
      await page.locator('#routes-table tr[data-rule=ui-new]').waitFor();
      assert.deepEqual(await order(page), ['ui-canary', 'ui-ab', 'ui-new']);
      step('a rule deleted and one added from the page');
    }, { viewport: VIEWPORTS.desktop }, { strict: true });
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
      ['overview', 'playground', 'keys', 'users', 'groups', 'models', 'routes', 'usage', 'requests']);
    await tour('user', page => loginWithPassword(page, process.env.SWITCHYARD_PLAIN_USER, process.env.SWITCHYARD_PLAIN_USER_PASSWORD),
      ['overview', 'playground', 'keys', 'models', 'usage', 'requests']);
  },


  // The request log's detail: a fallback (a channel whose key the mock refuses, then the fallback model), an
  // upstream failure chosen by a mock directive, and a refusal before any upstream; in both languages at both sizes.
  async 'request-detail'() {
    const client = process.env.SWITCHYARD_CLIENT_KEY;
    const send = async (model, content) => {
      const response = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${client}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
      });
      await response.arrayBuffer();
      return { status: response.status, id: response.headers.get('x-request-id') };
    };
    const fallback = await send('legacy-model', 'detail prompt for the drawer');
    const upstreamFailed = await send('gpt-4o-mini', 'fail upstream [mock:status=503]');
    const refused = await send('no-such-model', 'never sent anywhere');
    assert.deepEqual([fallback.status, upstreamFailed.status, refused.status], [200, 503, 404]);
    step('a fallback, an upstream 503 and a refusal sent');

    const texts = {
      en: { title: 'Request detail', refused: 'refused', noAttempts: 'No upstream was called.' },
      zh: { title: '请求详情', refused: '已拒绝', noAttempts: '未调用任何上游。' },
    };
    for (const [lang, locale] of Object.entries(LANGS)) {
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        await withPage(async page => {
          const phone = size === 'phone';
          await loginWithKey(page, masterKey);
          await openPage(page, 'requests', phone);
          const row = id => page.locator('#requests-table tbody tr', { hasText: id.slice(-8) });
          await row(refused.id).waitFor();
          assert.equal((await row(refused.id).locator('.badge.warn', { hasText: texts[lang].refused }).count()), 1, 'the refusal is marked in the log');
          if (!phone) {
            // The id column holds one line: the short id never wraps into a cramped column.
            const height = await row(fallback.id).locator('td.request-id button').evaluate(b => b.getBoundingClientRect().height);
            assert.ok(height < 30, `the request id wraps (${height}px high)`);
            const timeHeight = await row(fallback.id).locator('td').first().evaluate(td => {
              const range = document.createRange();
              range.selectNodeContents(td);
              return range.getBoundingClientRect().height;
            });
            assert.ok(timeHeight < 30, `the time wraps (${timeHeight}px high)`);
          }
          await assertFits(page, `request log ${lang} ${size}`);

          const open = async (id, how) => {
            if (how === 'button') await row(id).locator('button.request-open').click();
            else await row(id).locator('td').first().click();
            await page.waitForSelector('#request-detail .drawer-body[data-loaded=true]');
            assert.equal((await page.textContent('#request-detail-title')).trim(), texts[lang].title);
            assert.ok((await page.textContent('#request-detail .detail-id code')).includes(id), 'the detail shows the whole id');
            const fits = await page.evaluate(() => {
              const dialog = document.querySelector('#request-detail');
              const out = [];
              if (dialog.scrollWidth > dialog.clientWidth + 1) out.push(`drawer by ${dialog.scrollWidth - dialog.clientWidth}px`);
              for (const el of dialog.querySelectorAll('.scroll, pre')) {
                if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.className} by ${el.scrollWidth - el.clientWidth}px`);
              }
              if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push('page');
              return out;
            });
            assert.deepEqual(fits, [], `the detail of ${id} scrolls sideways (${lang} ${size})`);
            if (phone) {
              const width = await page.locator('#request-detail').evaluate(d => d.getBoundingClientRect().width);
              assert.ok(Math.abs(width - viewport.width) <= 1, `on a phone the detail is a full-screen sheet (${width}px)`);
            }
          };
          const close = async () => {
            await page.click('#request-detail-close');
            await page.waitForSelector('#request-detail', { state: 'detached' });
          };

          await open(fallback.id, 'row');
          const attempts = page.locator('#request-attempts tbody tr');
          assert.equal(await attempts.count(), 2, 'two attempts');
          const first = await attempts.nth(0).textContent();
          assert.ok(first.includes('rotated') && first.includes('401') && first.includes('…-key'), `first attempt: ${first}`);
          assert.ok(!first.includes('mock-invalid-key'), 'the upstream key is shown, not its hint');
          assert.ok((await attempts.nth(1).textContent()).includes('mock'), 'the fallback attempt');
          assert.equal(await page.locator('#request-detail .detail-status .badge', { hasText: 'legacy-model' }).count(), 1, 'the fallback badge');
          await page.locator('#request-bodies pre', { hasText: 'detail prompt for the drawer' }).waitFor();
          await shot(page, `super_admin-request-detail-fallback-${lang}-${size}`, size === 'desktop' ? `request-detail-${lang}` : null);
          await close();
          step(`${lang} ${viewport.width}x${viewport.height}: the fallback's attempt chain, key hints and stored prompt`);

          await open(upstreamFailed.id, 'button');
          assert.ok((await page.textContent('#request-attempts')).includes('503'), 'the upstream\'s 503 in the chain');
          assert.equal(await page.locator('#request-detail .detail-status .badge', { hasText: texts[lang].refused }).count(), 0, 'an upstream failure is no refusal');
          await close();

          await open(refused.id, 'row');
          assert.ok((await page.textContent('#request-detail .detail-error')).includes('no-such-model'), 'the error text');
          assert.equal(await page.locator('#request-attempts').count(), 0);
          await page.locator('#request-detail .notice.muted', { hasText: texts[lang].noAttempts }).waitFor();
          await shot(page, `super_admin-request-detail-refused-${lang}-${size}`);
          await page.keyboard.press('Escape');
          await page.waitForSelector('#request-detail', { state: 'detached' });
          step(`${lang} ${viewport.width}x${viewport.height}: an upstream failure and a refusal, each with its error`);
        }, { locale, viewport }, { strict: true });
      }
    }

    // A refusal is no usage: not among the top models, while the error card counts it.
    await withPage(async page => {
      await loginWithKey(page, masterKey);
      await page.waitForSelector('#top-models');
      assert.ok(!(await page.textContent('#top-models')).includes('no-such-model'), 'a refused model among the top models');
      assert.ok(Number((await page.textContent('#card-errors .card-value')).replace(/\D/g, '')) >= 2, 'the errors card');
      step('the overview counts the refusal as an error, not as a top model');
    }, { viewport: VIEWPORTS.desktop }, { strict: true });
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

  // A reset link made on the users page (by a group admin in English, by the master key in Chinese), shown once, opened
  // without signing in: a new password set, signed in with it, the link refused the second time.
  async 'password-reset'() {
    const user = process.env.SWITCHYARD_PLAIN_USER;
    const steps = [
      { lang: 'en', signIn: page => loginWithPassword(page, process.env.SWITCHYARD_GROUP_ADMIN, process.env.SWITCHYARD_GROUP_ADMIN_PASSWORD),
        button: 'Reset link', confirm: 'Make link', title: 'Set a new password', done: `The password of ${user} is set. Sign in with it.`,
        refused: 'This reset link is not valid', mismatch: 'The two passwords differ.' },
      { lang: 'zh', signIn: page => loginWithKey(page, masterKey),
        button: '重置链接', confirm: '生成链接', title: '设置新密码', done: `${user} 的密码已设置，请用它登录。`,
        refused: '此重置链接无效', mismatch: '两次输入的密码不一致。' },
    ];
    for (const s of steps) {
      const locale = LANGS[s.lang];
      let link = null;
      await withPage(async page => {
        await s.signIn(page);
        await page.click('nav a[data-page=users]');
        await page.waitForSelector('#users-table');
        const offered = await page.locator('#users-table [data-reset]').evaluateAll(buttons => buttons.map(b => b.dataset.reset));
        if (s.lang === 'en') {
          // A group admin acts on its group's plain users only: not on itself, not on the super admin.
          assert.deepEqual(offered, [user], `a group admin is offered reset links for ${offered}`);
        } else {
          assert.ok(offered.includes(user) && offered.includes(process.env.SWITCHYARD_GROUP_ADMIN), `a super admin is offered ${offered}`);
        }
        const button = page.locator(`#users-table [data-reset="${user}"]`);
        assert.equal((await button.textContent()).trim(), s.button);
        await button.click();
        await page.click(`dialog button:text-is("${s.confirm}")`);
        await page.waitForSelector('#reset-link-panel');
        link = await page.inputValue('#reset-link');
        assert.ok(link.startsWith(`${base}/ui/#/reset?token=syr_`), `the link: ${link.slice(0, 40)}…`);
        assert.equal(await page.locator('#reset-link-panel button.copy').count(), 1, 'a copy button');
        await shot(page, `reset-link-${s.lang}-desktop`);
        await page.click('#reset-link-done');
        await page.waitForSelector('#reset-link-panel', { state: 'detached' });
        assert.ok(!(await pageText(page)).includes(link.split('token=')[1]), 'the link is still in the page');
        step(`${s.lang}: a reset link for ${user} shown once on the users page, with a copy button`);
      }, { locale, viewport: VIEWPORTS.desktop }, { strict: true });

      const password = `new password for ${user} ${s.lang} ${Date.now()}`;
      await withPage(async page => {
        await page.goto(link);
        await page.waitForSelector('#reset-form');
        assert.equal((await page.textContent('#reset-form h2')).trim(), s.title);
        assert.equal(await page.getAttribute('html', 'lang'), s.lang === 'zh' ? 'zh-CN' : 'en');
        await page.fill('#reset-password', password);
        await page.fill('#reset-repeat', `${password}?`);
        await page.click('#reset-form button[type=submit]');
        await page.getByText(s.mismatch).waitFor();
        await page.fill('#reset-password', password);
        await page.fill('#reset-repeat', password);
        await shot(page, `reset-page-${s.lang}-phone`);
        await assertFits(page, `reset page ${s.lang}`);
        await page.click('#reset-form button[type=submit]');
        await page.getByText(s.done).waitFor();
        await page.click('#reset-sign-in');
        await page.waitForSelector('#password-login');
        await page.fill('#login-name', user);
        await page.fill('#login-password', password);
        await page.click('#password-login button[type=submit]');
        await page.waitForSelector('#logout');
        assert.equal((await page.textContent('#who-name')).trim(), user);
        step(`${s.lang}: the link opened without signing in, a new password set, signed in with it`);
      }, { locale, viewport: VIEWPORTS.phone }, { strict: true });

      // Used once, the same link is refused (its 401 is the answer the page expects, so not strict).
      await withPage(async page => {
        await page.goto(link);
        await page.fill('#reset-password', password);
        await page.fill('#reset-repeat', password);
        await page.click('#reset-form button[type=submit]');
        await page.getByText(s.refused).waitFor();
        step(`${s.lang}: the used link is refused`);
      }, { locale, viewport: VIEWPORTS.desktop });
    }
  },

  // The group price multiplier: a column and a field for super admins, neither for group admins.
  async 'group-multiplier'() {
    const made = await fetch(`${base}/admin/groups`, {
      method: 'POST', headers: { Authorization: `Bearer ${masterKey}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'priced' }),
    });
    assert.equal(made.status, 201);
    await withPage(async page => {
      await loginWithKey(page, masterKey);
      await page.click('nav a[data-page=groups]');
      await page.waitForSelector('#groups-table');
      assert.equal(await page.locator('#groups-table thead th', { hasText: 'Price multiplier' }).count(), 1);
      const row = page.locator('#groups-table tbody tr', { hasText: 'priced' });
      assert.equal((await row.locator('td[data-label="Price multiplier"]').textContent()).trim(), '×1');
      await row.getByRole('button', { name: 'Edit' }).click();
      await page.fill('#group-multiplier', '0.5');
      await page.click('dialog button[type=submit]');
      await page.waitForSelector('dialog', { state: 'detached' });
      await page.locator('#groups-table tbody tr', { hasText: 'priced' }).locator('td[data-label="Price multiplier"]', { hasText: '×0.5' }).waitFor();
      const stored = await (await fetch(`${base}/admin/groups/priced`, { headers: { Authorization: `Bearer ${masterKey}` } })).json();
      assert.equal(stored.price_multiplier, 0.5);
      // A group of the config file keeps the file's multiplier: the field is shown but cannot be changed.
      await page.locator('#groups-table tbody tr', { hasText: group }).first().getByRole('button', { name: 'Edit' }).click();
      assert.equal(await page.isDisabled('#group-multiplier'), true);
      await page.click('dialog button:text-is("Cancel")');
      step('a super admin sees and edits a group\'s price multiplier');
    }, { viewport: VIEWPORTS.desktop }, { strict: true });
    await withPage(async page => {
      await loginWithPassword(page, process.env.SWITCHYARD_GROUP_ADMIN, process.env.SWITCHYARD_GROUP_ADMIN_PASSWORD);
      await page.click('nav a[data-page=groups]');
      await page.waitForSelector('#groups-table');
      assert.equal(await page.locator('#groups-table thead th', { hasText: 'Price multiplier' }).count(), 0);
      await page.locator('#groups-table tbody tr').first().getByRole('button', { name: 'Edit' }).click();
      assert.equal(await page.locator('#group-multiplier').count(), 0);
      step('a group admin sees no price multiplier');
    }, { viewport: VIEWPORTS.desktop }, { strict: true });
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
      assert.deepEqual(menu, ['overview', 'playground', 'keys', 'models', 'usage', 'requests']);
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

  // The playground as a plain user, in both languages at both sizes: every client protocol streamed and one answer
  // whole, the conversation carried from turn to turn, the settings in each request's body, the served model and
  // the ledger's tokens and cost under each answer, and the request recorded as the user's under its playground key.
  async playground() {
    const user = process.env.SWITCHYARD_PLAIN_USER;
    const BODY_FIELDS = {
      chat: b => [b.messages[0].content, b.temperature, b.max_tokens, b.messages.length],
      responses: b => [b.instructions, b.temperature, b.max_output_tokens, b.input.length],
      messages: b => [b.system, b.temperature, b.max_tokens, b.messages.length],
      gemini: b => [b.systemInstruction.parts[0].text, b.generationConfig.temperature, b.generationConfig.maxOutputTokens, b.contents.length],
    };
    for (const [lang, locale] of Object.entries(LANGS)) {
      for (const [size, viewport] of Object.entries(VIEWPORTS)) {
        await withPage(async page => {
          const sent = [];
          page.on('request', request => {
            if (request.url().includes('/admin/playground/')) sent.push({ url: request.url(), body: JSON.parse(request.postData()) });
          });
          await loginWithPassword(page, user, process.env.SWITCHYARD_PLAIN_USER_PASSWORD);
          await openPage(page, 'playground', size === 'phone');
          await page.waitForSelector('#play-model option[value="gpt-4o-mini"]', { state: 'attached' });
          assert.equal(await page.isDisabled('#play-group'), true, 'a user plays in its own group only');
          await page.selectOption('#play-model', 'gpt-4o-mini');
          await page.fill('#play-system', 'Answer briefly.');
          await page.fill('#play-temperature', '0.3');
          await page.fill('#play-max-tokens', '64');
          const protocols = lang === 'en' && size === 'desktop' ? ['chat', 'responses', 'messages', 'gemini'] : [size === 'phone' ? 'messages' : 'gemini', 'chat'];
          for (const [i, protocol] of protocols.entries()) {
            await page.selectOption('#play-protocol', protocol);
            // The last turn of each run is answered whole, not streamed.
            if (i === protocols.length - 1) await page.uncheck('#play-stream');
            await page.fill('#play-message', `Hello number ${i + 1}`);
            await page.click('#play-send');
            const answer = page.locator('.play-turn.assistant').nth(i);
            await answer.locator('.play-ledger').waitFor();
            assert.ok((await answer.locator('.play-text').textContent()).trim().length > 0, `${protocol}: an empty answer`);
            assert.equal(await answer.locator('.notice.error').count(), 0, `${protocol}: the answer failed`);
            assert.ok((await answer.locator('.play-facts').first().textContent()).includes('gpt-4o-mini'), `${protocol}: the served model is not named`);
            const ledger = await answer.locator('.play-ledger').textContent();
            assert.ok(/\$\d/.test(ledger) && /\d/.test(ledger), `${protocol}: tokens and cost: ${ledger}`);
            const request = sent[i];
            assert.ok(request.url.includes(protocol === 'gemini' ? '/v1beta/models/gpt-4o-mini:' : protocol === 'chat' ? '/chat/completions' : `/${protocol}`), request.url);
            // System prompt, temperature, max tokens, and every turn so far (the chat's system message counts as one).
            assert.deepEqual(BODY_FIELDS[protocol](request.body), ['Answer briefly.', 0.3, 64, 2 * i + 1 + (protocol === 'chat' ? 1 : 0)], `${protocol} body`);
            const id = (await answer.locator('.play-request code').textContent()).trim();
            const record = await page.evaluate(async rid => (await fetch(`/admin/requests/${rid}`)).json(), id);
            assert.equal(record.key, `playground:${user}:${group}`, 'the request is the user\'s, under its playground key');
            assert.equal(record.user, user);
          }
          await page.locator('.play-turn.assistant').last().scrollIntoViewIfNeeded();
          await shot(page, `user-playground-${lang}-${size}`, size === 'desktop' ? `playground-${lang}` : null);
          await assertFits(page, `playground ${lang} ${size}`);
          await page.click('#play-clear');
          assert.equal(await page.locator('.play-turn').count(), 0, 'a new conversation starts empty');
          step(`playground in ${lang} at ${viewport.width}x${viewport.height}: ${protocols.join(', ')} answered, ledgered as ${user}`);
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
