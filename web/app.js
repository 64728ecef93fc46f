// SPDX-License-Identifier: MIT
// battstore — the web page's router: hash routes (#/search?q=…,
// #/dataset?iri=…, #/wp?iri=…, #/highway, #/sparql) so that the server
// serves static files only; focus moves to the new page's heading.

import {renderSearch} from './js/search.js';
import {renderResource, renderWp} from './js/resource.js';
import {renderHighway} from './js/highway.js';
import {renderSparql} from './js/sparql.js';
import {token, setToken} from './js/util.js';

const routes = {
  '': renderSearch,
  search: renderSearch,
  dataset: renderResource,
  resource: renderResource,
  wp: renderWp,
  highway: renderHighway,
  sparql: renderSparql,
};

const TITLES = {search: 'Search', dataset: 'Resource', resource: 'Resource', wp: 'Work package',
  highway: 'Data highway', sparql: 'SPARQL'};

/** The route of a hash: {name, params}; null for a hash that is not a
 *  route (a link to an anchor in the page). */
export function parseRoute(hash) {
  if (hash && !hash.startsWith('#/')) return null;
  const h = (hash || '').replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const name = q < 0 ? h : h.slice(0, q);
  const params = Object.fromEntries(new URLSearchParams(q < 0 ? '' : h.slice(q + 1)));
  return {name: name.replace(/\/$/, ''), params};
}

let first = true;

async function show() {
  const route = parseRoute(location.hash);
  if (!route) return;
  const main = document.getElementById('main');
  const render = routes[route.name] || renderSearch;
  for (const a of document.querySelectorAll('.site-nav a')) {
    const on = a.dataset.route === (route.name === 'dataset' || route.name === 'wp' || route.name === 'resource'
      ? '' : route.name || 'search');
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${TITLES[route.name] || 'Search'} — battstore`;
  main.setAttribute('aria-busy', 'true');
  await render(main, route.params);
  main.setAttribute('aria-busy', 'false');
  // keyboard users land on the new page, not at the top of the old one
  if (!first) {
    const h1 = main.querySelector('h1');
    if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({preventScroll: false}); }
  }
  first = false;
  window.scrollTo(0, 0);
}

document.querySelector('.skip').addEventListener('click', (ev) => {
  ev.preventDefault(); // the page's hash is its route: move focus instead
  const main = document.getElementById('main');
  main.focus();
  main.scrollIntoView();
});
// The access token (roles reader:restricted, reader:confidential): sent
// as a Bearer token with every request of this tab.
function tokenForm() {
  const form = document.getElementById('token-form');
  const input = document.getElementById('token');
  const state = document.getElementById('token-state');
  const say = () => { state.textContent = token() ? 'A token is in use.' : 'Anonymous: public data only.'; };
  say();
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setToken(input.value.trim());
    input.value = '';
    say();
    show();
  });
  document.getElementById('token-forget').addEventListener('click', () => {
    setToken('');
    say();
    show();
  });
}

tokenForm();
window.addEventListener('hashchange', show);
show();
