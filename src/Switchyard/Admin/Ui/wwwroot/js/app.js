// The shell: sign-in, the navigation for the signed-in role, and hash routes (#/keys) to the pages.
import { h, replace } from './dom.js';
import * as session from './session.js';
import { errorNotice, notice } from './ui.js';
import { renderLogin } from './pages/login.js';
import * as overview from './pages/overview.js';
import * as keys from './pages/keys.js';
import * as users from './pages/users.js';
import * as groups from './pages/groups.js';
import * as channels from './pages/channels.js';
import * as models from './pages/models.js';
import * as usage from './pages/usage.js';
import * as requests from './pages/requests.js';
import * as audit from './pages/audit.js';

const PAGES = {
  overview: { title: 'Overview', zh: '概览', module: overview },
  keys: { title: 'Keys', zh: '密钥', module: keys },
  users: { title: 'Users', zh: '用户', module: users },
  groups: { title: 'Groups', zh: '分组', module: groups },
  channels: { title: 'Channels', zh: '渠道', module: channels },
  models: { title: 'Models & prices', zh: '模型价格', module: models },
  usage: { title: 'Usage', zh: '用量', module: usage },
  requests: { title: 'Request log', zh: '请求日志', module: requests },
  audit: { title: 'Audit log', zh: '审计日志', module: audit },
};

const root = document.getElementById('app');
let renderSerial = 0;

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [name, search = ''] = hash.split('?');
  return { name: name || session.pagesFor(session.identity()?.role)[0], params: new URLSearchParams(search) };
}

function navigation(me, active) {
  return h('nav', { class: 'nav', 'aria-label': 'Main' },
    h('ul', null, ...session.pagesFor(me.role).map(name => h('li', null,
      h('a', { href: `#/${name}`, class: name === active ? 'active' : null, 'aria-current': name === active ? 'page' : null, dataset: { page: name }, title: PAGES[name].zh },
        PAGES[name].title)))));
}

function roleLabel(role) {
  return { super_admin: 'Super admin', group_admin: 'Group admin', user: 'User' }[role] || role;
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
  if (!me) {
    renderLogin(root, async () => {
      location.hash = `#/${session.pagesFor(session.identity().role)[0]}`;
      await render();
    });
    return;
  }
  const pageName = name === 'login' ? session.pagesFor(me.role)[0] : name;
  const content = h('main', { class: 'content', id: 'content', tabindex: '-1' });
  const menuButton = h('button', { type: 'button', class: 'menu-toggle secondary', 'aria-label': 'Menu', 'aria-expanded': 'false' }, '☰');
  const shell = h('div', { class: 'shell' },
    h('header', { class: 'topbar' },
      menuButton,
      h('a', { class: 'brand', href: `#/${session.pagesFor(me.role)[0]}` }, 'Switchyard', h('span', { class: 'brand-sub' }, 'admin')),
      h('div', { class: 'who' },
        h('span', { class: 'who-name', id: 'who-name' }, me.name),
        h('span', { class: 'badge role', id: 'who-role' }, roleLabel(me.role)),
        me.group ? h('span', { class: 'badge' }, me.group) : null,
        h('button', { type: 'button', class: 'secondary small', id: 'logout', onclick: logOut }, 'Log out'))),
    navigation(me, pageName),
    content);
  menuButton.addEventListener('click', () => {
    const open = shell.classList.toggle('menu-open');
    menuButton.setAttribute('aria-expanded', String(open));
  });
  replace(root, shell);
  const page = PAGES[pageName];
  if (!page) {
    replace(content, notice('error', 'There is no such page.'));
    return;
  }
  if (!session.may(pageName)) {
    replace(content, notice('error', `${page.title} is not available to your role.`));
    return;
  }
  document.title = `${page.title} · Switchyard admin`;
  try {
    await page.module.render(content, { me, params, isCurrent: () => serial === renderSerial });
  } catch (error) {
    if (error && error.status === 401) {
      await session.logOut().catch(() => {});
      location.hash = '#/login';
      await render();
      return;
    }
    replace(content, errorNotice(error, page.title));
  }
}

async function start() {
  try {
    await session.restore();
  } catch (error) {
    replace(root, errorNotice(error, 'Signing in'));
    return;
  }
  window.addEventListener('hashchange', render);
  await render();
}

start();
