// The shell: sign-in, the navigation for the signed-in role, and hash routes (#/keys) to the pages.
import { h, replace } from './dom.js';
import * as session from './session.js';
import { errorNotice, notice, roleLabel, select } from './ui.js';
import { applyLanguage, language, LANGUAGES, setLanguage, t } from './i18n.js';
import * as theme from './theme.js';
import { renderLogin } from './pages/login.js';
import { renderReset } from './pages/reset.js';
import * as overview from './pages/overview.js';
import * as playground from './pages/playground.js';
import * as keys from './pages/keys.js';
import * as users from './pages/users.js';
import * as groups from './pages/groups.js';
import * as channels from './pages/channels.js';
import * as models from './pages/models.js';
import * as routes from './pages/routes.js';
import * as usage from './pages/usage.js';
import * as requests from './pages/requests.js';
import * as audit from './pages/audit.js';
import * as reports from './pages/reports.js';

const PAGES = {
  overview: { title: () => t('page.overview'), module: overview },
  playground: { title: () => t('page.playground'), module: playground },
  keys: { title: () => t('page.keys'), module: keys },
  users: { title: () => t('page.users'), module: users },
  groups: { title: () => t('page.groups'), module: groups },
  channels: { title: () => t('page.channels'), module: channels },
  models: { title: () => t('page.models'), module: models },
  routes: { title: () => t('page.routes'), module: routes },
  usage: { title: () => t('page.usage'), module: usage },
  requests: { title: () => t('page.requests'), module: requests },
  reports: { title: () => t('page.reports'), module: reports },
  audit: { title: () => t('page.audit'), module: audit },
};

const root = document.getElementById('app');
let renderSerial = 0;

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, search = ''] = hash.split('?');
  return { name: name || session.pagesFor(session.identity()?.role)[0], params: new URLSearchParams(search) };
}

function navigation(me, active) {
  return h('nav', { class: 'nav', 'aria-label': t('shell.menu') },
    h('ul', null, ...session.pagesFor(me.role).map(name => h('li', null,
      h('a', { href: `#/${name}`, class: name === active ? 'active' : null, 'aria-current': name === active ? 'page' : null, dataset: { page: name } },
        PAGES[name].title())))));
}

/** The language and theme switches of the top bar (and of the sign-in page); a change draws the page again. */
function preferences() {
  const lang = select('lang', LANGUAGES, language(), { id: 'lang-switch', class: 'compact', 'aria-label': t('shell.language') });
  lang.addEventListener('change', () => {
    setLanguage(lang.value);
    render();
  });
  const look = select('theme', [['auto', t('theme.auto')], ['light', t('theme.light')], ['dark', t('theme.dark')]], theme.current(),
    { id: 'theme-switch', class: 'compact', 'aria-label': t('shell.theme') });
  look.addEventListener('change', () => theme.set(look.value));
  return h('div', { class: 'prefs' }, lang, look);
}

async function logOut() {
  try {
    await session.logOut();
  } finally {
    location.hash = '#/login';
    await render();
  }
}

async function render() {
  const serial = ++renderSerial;
  const me = session.identity();
  const { name, params } = route();
  // A reset link opens its page whoever is signed in here: it is meant for the person it was handed to.
  if (name === 'reset') {
    renderReset(root, preferences(), params.get('token'));
    return;
  }
  if (!me) {
    renderLogin(root, preferences(), async () => {
      location.hash = `#/${session.pagesFor(session.identity().role)[0]}`;
      await render();
    });
    return;
  }
  const pageName = name === 'login' ? session.pagesFor(me.role)[0] : name;
  const content = h('main', { class: 'content', id: 'content', tabindex: '-1' });
  const menuButton = h('button', { type: 'button', class: 'menu-toggle secondary', 'aria-label': t('shell.menu'), 'aria-expanded': 'false' }, '☰');
  const shell = h('div', { class: 'shell' },
    h('header', { class: 'topbar' },
      menuButton,
      h('a', { class: 'brand', href: `#/${session.pagesFor(me.role)[0]}` }, 'Switchyard', h('span', { class: 'brand-sub' }, t('shell.admin'))),
      h('div', { class: 'who' },
        preferences(),
        h('span', { class: 'who-name', id: 'who-name' }, me.name),
        h('span', { class: 'badge role', id: 'who-role' }, roleLabel(me.role)),
        me.group ? h('span', { class: 'badge' }, me.group) : null,
        h('button', { type: 'button', class: 'secondary small', id: 'logout', onclick: logOut }, t('shell.logout')))),
    navigation(me, pageName),
    content);
  menuButton.addEventListener('click', () => {
    const open = shell.classList.toggle('menu-open');
    menuButton.setAttribute('aria-expanded', String(open));
  });
  replace(root, shell);
  const page = PAGES[pageName];
  if (!page) {
    replace(content, notice('error', t('shell.noSuchPage')));
    return;
  }
  if (!session.may(pageName)) {
    replace(content, notice('error', t('error.forbidden', { what: page.title() })));
    return;
  }
  document.title = t('shell.documentTitle', { page: page.title() });
  try {
    await page.module.render(content, { me, params, isCurrent: () => serial === renderSerial });
  } catch (error) {
    if (error && error.status === 401) {
      await session.logOut().catch(() => {});
      location.hash = '#/login';
      await render();
      return;
    }
    replace(content, errorNotice(error, page.title()));
  }
}

async function start() {
  applyLanguage();
  theme.apply();
  try {
    await session.restore();
  } catch (error) {
    replace(root, errorNotice(error, t('login.signingInWhat')));
    return;
  }
  window.addEventListener('hashchange', render);
  await render();
}

start();
