// SPDX-License-Identifier: MIT
// battstore — the SPARQL editor page: a textarea over a syntax-highlighting
// layer (keywords, IRIs, prefixed names, variables, strings, numbers,
// comments), the named queries of GET /queries as examples, Ctrl+Enter to
// run, results as a table.

import {el, replace, getJSON, sparql, resourceHref, shortIri, errorBox} from './util.js';

const KEYWORDS = new Set(`select construct describe ask where from named prefix base distinct
reduced order by asc desc limit offset group having optional union minus filter graph service
silent bind values as not exists in a insert delete data with using load clear drop create add
move copy to default all into count sum min max avg sample group_concat separator undef true
false str lang langmatches datatype bound iri uri bnode rand abs ceil floor round concat strlen
ucase lcase encode_for_uri contains strstarts strends strbefore strafter year month day hours
minutes seconds timezone tz now uuid struuid md5 sha1 sha256 sha384 sha512 coalesce if strlang
strdt sameterm isiri isuri isblank isliteral isnumeric regex substr replace`.split(/\s+/));

// One alternative per token kind, tried in this order at each position.
const TOKEN = new RegExp([
  String.raw`(?<comment>#[^\n]*)`,
  String.raw`(?<iri><[^<>"{}|^\x60\\\s]*>)`,
  String.raw`(?<string>"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)`,
  String.raw`(?<variable>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)`,
  String.raw`(?<pname>(?:[A-Za-z][\w-]*(?:\.[\w-]+)*)?:(?:[\w%-]|\\.|\.(?=[\w%-]))*)`,
  String.raw`(?<word>[A-Za-z_]\w*)`,
  String.raw`(?<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)`,
  String.raw`(?<space>\s+)`,
  String.raw`(?<other>[\s\S])`,
].join('|'), 'gy');

/** Split SPARQL text into [kind, text] tokens (kinds: comment, iri,
 *  string, variable, pname, keyword, word, number, space, other); the
 *  texts put together give back the input. */
export function tokenize(text) {
  const out = [];
  TOKEN.lastIndex = 0;
  let m;
  while (TOKEN.lastIndex < text.length && (m = TOKEN.exec(text))) {
    let kind = Object.keys(m.groups).find((k) => m.groups[k] !== undefined);
    if (kind === 'word' && KEYWORDS.has(m[0].toLowerCase())) kind = 'keyword';
    const last = out[out.length - 1];
    if (last && last[0] === kind && (kind === 'other' || kind === 'space')) last[1] += m[0];
    else out.push([kind, m[0]]);
  }
  return out;
}

/** Fill code with the highlighted text (text nodes and spans only). */
function highlight(code, text) {
  const frag = document.createDocumentFragment();
  for (const [kind, t] of tokenize(text)) {
    if (kind === 'space' || kind === 'other' || kind === 'word') frag.append(t);
    else frag.append(el('span', {class: `tok-${kind}`}, t));
  }
  frag.append('\n'); // the layer keeps the height of a trailing newline
  code.replaceChildren(frag);
}

/* A SPARQL string literal of s. */
function stringLiteral(s) {
  return '"' + s.replace(/[\\"]/g, '\\$&').replace(/\n/g, '\\n').replace(/\r/g, '\\r') + '"';
}

/** A named query's text with each $param that has a default replaced by
 *  it (as the server does for /queries/NAME), so it runs as it stands. */
export function bindDefaults(q) {
  let text = q.text || '';
  for (const p of q.params || []) {
    if (p.default === null || p.default === undefined) continue;
    const re = new RegExp('\\$' + p.name.replace(/[^\w-]/g, '') + '(?![\\w])', 'g');
    text = text.split('\n').map((line) => (/^\s*#/.test(line) ? line : line.replace(re, stringLiteral(p.default)))).join('\n');
  }
  return text;
}

function cell(b) {
  if (!b) return el('td', {class: 'unbound'}, '');
  if (b.type === 'uri') return el('td', {}, el('a', {href: resourceHref(b.value), title: b.value}, shortIri(b.value)));
  if (b.type === 'bnode') return el('td', {class: 'bnode'}, `_:${b.value}`);
  return el('td', {}, b.value,
    b['xml:lang'] ? el('span', {class: 'lang'}, `@${b['xml:lang']}`) : null);
}

const MAX_ROWS = 1000;

function resultsView(r, ms) {
  if (r.kind === 'text')
    return [el('p', {role: 'status'}, `${r.type} in ${ms} ms`), el('pre', {class: 'rdf'}, r.data)];
  const d = r.data;
  if (typeof d.boolean === 'boolean')
    return el('p', {role: 'status', class: 'ask'}, `ASK: ${d.boolean ? 'yes (true)' : 'no (false)'} in ${ms} ms`);
  const vars = (d.head && d.head.vars) || [];
  const rows = (d.results && d.results.bindings) || [];
  const shown = rows.slice(0, MAX_ROWS);
  return [
    el('p', {role: 'status'}, `${rows.length} row${rows.length === 1 ? '' : 's'} in ${ms} ms` +
      (rows.length > shown.length ? ` (first ${MAX_ROWS} shown)` : '')),
    el('div', {class: 'table-wrap', tabindex: '0', 'aria-label': 'Query results'},
      el('table', {class: 'results-table'},
        el('thead', {}, el('tr', {}, vars.map((v) => el('th', {scope: 'col'}, `?${v}`)))),
        el('tbody', {}, shown.map((row) => el('tr', {}, vars.map((v) => cell(row[v]))))))),
  ];
}

const START = `PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dmp: <https://w3id.org/battstore/bigmap-dmp#>

# The datasets of work package 3 and their titles
SELECT ?dataset ?title WHERE {
  ?dataset a dcat:Dataset ;
           dmp:producedBy dmp:WP3 ;
           dcterms:title ?title .
}
ORDER BY ?dataset
LIMIT 50
`;

/** The SPARQL page; params.name preselects a named query. */
export async function renderSparql(main, params) {
  const ta = el('textarea', {id: 'sparql-text', class: 'code-input', spellcheck: 'false',
    autocapitalize: 'off', autocomplete: 'off', wrap: 'off', rows: '16',
    'aria-describedby': 'sparql-help'});
  const code = el('code', {});
  const layer = el('pre', {class: 'code-layer', 'aria-hidden': 'true'}, code);
  const examples = el('select', {id: 'sparql-examples'}, el('option', {value: ''}, 'Choose an example…'));
  const about = el('p', {class: 'example-about'});
  const out = el('div', {class: 'sparql-results', 'aria-live': 'polite'});
  const run = el('button', {type: 'submit'}, 'Run');
  let named = [], ctl = null;

  const sync = () => highlight(code, ta.value);
  ta.addEventListener('input', sync);
  ta.addEventListener('scroll', () => { layer.scrollTop = ta.scrollTop; layer.scrollLeft = ta.scrollLeft; });

  async function execute() {
    if (ctl) ctl.abort();
    ctl = new AbortController();
    run.disabled = true;
    out.setAttribute('aria-busy', 'true');
    replace(out, el('p', {class: 'loading'}, 'Running…'));
    const t0 = performance.now();
    try {
      const r = await sparql(ta.value, ctl.signal);
      replace(out, resultsView(r, Math.round(performance.now() - t0)));
    } catch (err) {
      if (err.name !== 'AbortError') replace(out, errorBox(err));
    }
    run.disabled = false;
    out.setAttribute('aria-busy', 'false');
  }
  ta.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); execute(); }
  });
  function choose(name) {
    const q = named.find((x) => x.name === name);
    if (!q) { about.textContent = ''; return; }
    ta.value = bindDefaults(q);
    sync();
    about.textContent = q.description || '';
  }
  examples.addEventListener('change', () => choose(examples.value));

  const form = el('form', {class: 'sparql-form', onsubmit: (ev) => { ev.preventDefault(); execute(); }},
    el('div', {class: 'examples'}, el('label', {for: examples.id}, 'Example queries'), examples),
    about,
    el('label', {for: ta.id}, 'Query'),
    el('div', {class: 'editor'}, layer, ta),
    el('p', {id: 'sparql-help', class: 'hint'},
      'Ctrl+Enter (⌘+Enter) runs the query; Tab leaves the editor. Results come from the graphs you may see.'),
    el('div', {class: 'actions'}, run));
  replace(main, el('h1', {}, 'SPARQL'), form, out);
  ta.value = START;
  sync();
  try {
    named = await getJSON('/queries');
    for (const q of named) examples.append(el('option', {value: q.name}, q.title || q.name));
    if (params.name && named.some((q) => q.name === params.name)) {
      examples.value = params.name;
      choose(params.name);
    }
  } catch (err) {
    about.textContent = 'The example queries could not be loaded.';
  }
}
