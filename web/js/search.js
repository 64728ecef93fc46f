// SPDX-License-Identifier: MIT
// battstore — the search page: a search box with label completion (an ARIA
// combobox over GET /suggest), results of GET /search with facets,
// highlighted snippets, why each hit matched, and paging.

import {el, append, replace, getJSON, searchHref, resourceHref, shortIri, localName,
  errorBox} from './util.js';

const PAGE = 10;
const FACET_SHOWN = 8;
const DEBOUNCE_MS = 150;
const FILTERS = ['type', 'wp', 'access', 'format', 'size'];
const FACET_TITLES = {wp: 'Work package', type: 'Type', format: 'Format', size: 'Size',
  access: 'Access'};
const FIELD_NAMES = ['label', 'keyword', 'text'];

let seq = 0; // ids of the combobox's options, unique per page

/** A search box with completion.  onSearch(text) runs a search;
 *  returns the form. */
export function searchBox(initial, onSearch) {
  const n = ++seq;
  const listId = `suggest-list-${n}`;
  const input = el('input', {
    type: 'search', id: `q-${n}`, name: 'q', value: initial || '', autocomplete: 'off',
    spellcheck: 'false', role: 'combobox', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': listId,
    placeholder: 'e.g. electrode, impedance, WP3',
  });
  const list = el('ul', {id: listId, role: 'listbox', class: 'suggest', hidden: true,
    'aria-label': 'Suggestions'});
  const status = el('span', {class: 'visually-hidden', role: 'status', 'aria-live': 'polite'});
  const form = el('form', {role: 'search', class: 'searchbox'},
    el('label', {for: input.id}, 'Search datasets, flows and BattINFO terms'),
    el('div', {class: 'searchrow'},
      el('div', {class: 'combo'}, input, list),
      el('button', {type: 'submit'}, 'Search')),
    status);
  let items = [], active = -1, timer = 0, ctl = null;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function setActive(i) {
    const opts = list.querySelectorAll('[role=option]');
    opts.forEach((o, j) => o.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    active = i;
    if (i >= 0 && opts[i]) {
      input.setAttribute('aria-activedescendant', opts[i].id);
      opts[i].scrollIntoView({block: 'nearest'});
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }
  function pick(i) {
    const s = items[i];
    if (!s) return;
    input.value = s.label;
    close();
    onSearch(s.label);
  }
  function show(sugg) {
    items = sugg;
    replace(list, sugg.map((s, i) => el('li', {
      id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false', class: 'option',
      onmousedown: (ev) => { ev.preventDefault(); pick(i); },
    }, el('span', {class: 'opt-label'}, s.label),
    s.type ? el('span', {class: 'opt-type'}, localName(s.type)) : null)));
    if (!sugg.length) { close(); status.textContent = ''; return; }
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    setActive(-1);
    status.textContent = `${sugg.length} suggestion${sugg.length === 1 ? '' : 's'}: ` +
      'arrow keys to choose, Enter to search';
  }
  async function fetchSuggestions(text) {
    if (ctl) ctl.abort();
    ctl = new AbortController();
    try {
      const r = await getJSON('/suggest', {q: text, limit: 8}, ctl.signal);
      if (input.value.trim() === text) show(r.suggestions || []);
    } catch (err) {
      if (err.name !== 'AbortError') close(); // completion is a help: fail quietly
    }
  }
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < 2) { close(); return; }
    timer = setTimeout(() => fetchSuggestions(text), DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (ev) => {
    const open = !list.hidden && items.length > 0;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!open) {
        if (items.length) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); }
        else if (input.value.trim().length >= 2) fetchSuggestions(input.value.trim());
        ev.preventDefault();
        return;
      }
      ev.preventDefault();
      const d = ev.key === 'ArrowDown' ? 1 : -1;
      let i = active + d; // -1 is the text box itself
      if (i >= items.length) i = -1;
      else if (i < -1) i = items.length - 1;
      setActive(i);
    } else if (ev.key === 'Enter' && open && active >= 0) {
      ev.preventDefault();
      pick(active);
    } else if (ev.key === 'Escape') {
      if (open) { ev.preventDefault(); close(); }
      else if (input.value) { ev.preventDefault(); input.value = ''; }
    } else if (ev.key === 'Tab') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearTimeout(timer);
    if (ctl) ctl.abort();
    close();
    onSearch(input.value.trim());
  });
  form.input = input;
  return form;
}

/** The text of a snippet: hit spans as <mark>, the rest as text. */
function snippet(spans) {
  if (!Array.isArray(spans) || !spans.length) return null;
  return el('p', {class: 'snippet'},
    spans.map((s) => (s.hit ? el('mark', {}, s.text) : s.text)));
}

/** One "why" line: the word and where it matched. */
function whyText(w) {
  const word = w.word ? `“${w.word}”` : 'the query';
  const cls = w.class_iri || w.class;
  if (cls) {
    const label = w.class_label || localName(cls);
    const via = w.via ? ` (${shortIri(w.via)})` : '';
    return [`${word} is the class `, el('a', {href: searchHref({q: label})}, label),
      `: about it or a subclass${via}`];
  }
  const field = typeof w.field === 'number' ? FIELD_NAMES[w.field] : w.field;
  const pred = w.pred ? shortIri(w.pred) : field || 'text';
  return `${word} in ${pred}`;
}

function hitItem(h) {
  const title = h.label || shortIri(h.iri);
  return el('li', {class: 'hit'},
    el('h3', {}, el('a', {href: resourceHref(h.iri)}, title)),
    el('p', {class: 'meta'},
      h.type ? el('span', {class: 'badge'}, h.type_label || localName(h.type)) : null,
      el('code', {class: 'iri'}, shortIri(h.iri))),
    snippet(h.snippet),
    Array.isArray(h.why) && h.why.length
      ? el('p', {class: 'why'}, 'Why: ', h.why.map((w, i) => [i ? '; ' : '', whyText(w)]))
      : null);
}

function facetList(name, values, params) {
  const cur = params[name];
  const items = values.map((v) => {
    const on = cur === v.value;
    const next = {...params, offset: '', [name]: on ? '' : v.value};
    const text = v.label || (name === 'type' ? localName(v.value) : v.value);
    return el('li', {},
      el('a', {href: searchHref(next), class: on ? 'facet on' : 'facet',
        'aria-current': on ? 'true' : null,
        'aria-label': `${on ? 'Remove filter' : 'Filter'} ${FACET_TITLES[name]}: ${text}, ${v.count} hits`},
      el('span', {class: 'box', 'aria-hidden': 'true'}, on ? '☑' : '☐'),
      el('span', {class: 'ftext'}, text), el('span', {class: 'count'}, String(v.count))));
  });
  // long lists show their first values; a button shows the rest
  const extra = items.filter((li, i) => i >= FACET_SHOWN && !li.querySelector('[aria-current]'));
  extra.forEach((li) => { li.hidden = true; });
  const more = extra.length ? el('button', {type: 'button', class: 'more', onclick: (ev) => {
      extra.forEach((li) => { li.hidden = false; });
      ev.currentTarget.remove();
      const first = extra[0].querySelector('a');
      if (first) first.focus();
    }}, `Show ${extra.length} more`) : null;
  return el('section', {class: 'facet-group', 'aria-labelledby': `facet-${name}`},
    el('h3', {id: `facet-${name}`}, FACET_TITLES[name]), el('ul', {}, items), more);
}

function facetsPanel(facets, params) {
  const groups = ['wp', 'type', 'format', 'size', 'access']
    .filter((n) => Array.isArray(facets && facets[n]) && facets[n].length)
    .map((n) => facetList(n, facets[n], params));
  if (!groups.length) return null;
  return el('aside', {class: 'facets', 'aria-label': 'Filters'}, el('h2', {}, 'Filters'), groups);
}

function activeFilters(params) {
  const on = FILTERS.filter((f) => params[f]);
  if (!on.length) return null;
  return el('p', {class: 'filters'}, 'Filtered by ',
    on.map((f, i) => [i ? ', ' : '', el('a', {href: searchHref({...params, [f]: '', offset: ''}),
      class: 'chip', 'aria-label': `Remove filter ${FACET_TITLES[f]}: ${params[f]}`},
    `${FACET_TITLES[f]}: ${f === 'type' ? localName(params[f]) : params[f]} ✕`)]));
}

function pager(r, params) {
  const offset = Number(params.offset) || 0;
  const total = Number(r.total) || 0;
  if (total <= PAGE) return null;
  const pages = Math.ceil(total / PAGE), page = Math.floor(offset / PAGE) + 1;
  return el('nav', {class: 'pager', 'aria-label': 'Result pages'},
    offset > 0 ? el('a', {href: searchHref({...params, offset: Math.max(0, offset - PAGE) || ''}),
      rel: 'prev'}, '← Previous') : null,
    el('span', {}, `Page ${page} of ${pages}`),
    offset + PAGE < total ? el('a', {href: searchHref({...params, offset: offset + PAGE}),
      rel: 'next'}, 'Next →') : null);
}

/** The search page for the route's parameters. */
export async function renderSearch(main, params) {
  const box = searchBox(params.q, (text) => {
    const next = searchHref({...params, q: text, offset: ''});
    // the same address (search again) fires no hashchange: run it here
    if (next === location.hash) renderSearch(main, {...params, q: text, offset: ''});
    else location.hash = next;
  });
  const results = el('div', {class: 'results', 'aria-live': 'polite', 'aria-busy': 'false'});
  replace(main, el('h1', {}, 'Search'), box, results);
  if (!params.q && !FILTERS.some((f) => params[f])) {
    append(results, el('p', {class: 'hint'},
      'Words find datasets, data flows and BattINFO classes by their labels and ' +
      'descriptions; a class name also finds what is about its subclasses. ' +
      'Use "quotes" for a phrase, OR between alternatives, word* for a prefix, -word to exclude.'));
    return box;
  }
  results.setAttribute('aria-busy', 'true');
  replace(results, el('p', {class: 'loading'}, 'Searching…'));
  try {
    const r = await getJSON('/search', {q: params.q, type: params.type, wp: params.wp,
      access: params.access, format: params.format, size: params.size, limit: PAGE,
      offset: params.offset});
    const hits = Array.isArray(r.hits) ? r.hits : [];
    const offset = Number(params.offset) || 0;
    const took = typeof r.took_ms === 'number' ? ` in ${r.took_ms.toFixed(1)} ms` : '';
    const summary = el('p', {class: 'summary', role: 'status'},
      r.total ? `${r.total} result${r.total === 1 ? '' : 's'}${took}` +
        (r.total > hits.length ? `, ${offset + 1}–${offset + hits.length} shown` : '')
        : `No results for “${params.q || ''}”${took}.`);
    replace(results,
      el('div', {class: 'result-layout'},
        el('div', {class: 'hitlist'}, summary, activeFilters(params),
          hits.length ? el('ol', {class: 'hits', start: offset + 1}, hits.map(hitItem)) : null,
          pager(r, params)),
        facetsPanel(r.facets, params)));
  } catch (err) {
    replace(results, errorBox(err));
  }
  results.setAttribute('aria-busy', 'false');
  return box;
}
