// SPDX-License-Identifier: MIT
// battstore — web page helpers: DOM building (text only, never HTML from
// data), the server's JSON doors, SPARQL SELECTs, IRIs and prefixes.

/** Make an element: el('a', {href: '#/x', class: 'c'}, 'text', child...).
 *  Strings become text nodes; attributes starting with "on" are event
 *  listeners; null/undefined/false children are skipped. */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

/** Append children (strings, nodes, arrays of them) to a node. */
export function append(node, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** Replace a node's children. */
export function replace(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/** An error raised by a failed request: status and the server's one-line
 *  message. */
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const TOKEN_KEY = 'battstore-token';

/** The access token the user gave for this tab (sessionStorage), or "". */
export function token() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
}

/** Remember (or with "" forget) the access token for this tab. */
export function setToken(t) {
  try {
    if (t) sessionStorage.setItem(TOKEN_KEY, t);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch (e) { /* storage refused: the token lasts until the page reloads */ }
}

/** Request headers: h plus Authorization when a token is set. */
function headers(h) {
  const t = token();
  return t ? {...h, Authorization: `Bearer ${t}`} : h;
}

async function check(resp) {
  if (resp.ok) return resp;
  let text = '';
  try { text = (await resp.text()).trim(); } catch (e) { /* no body */ }
  throw new HttpError(resp.status, text || `${resp.status} ${resp.statusText}`);
}

/** GET a JSON door: getJSON('/search', {q: 'x'}) (empty parameters are
 *  left out). */
export async function getJSON(path, params, signal) {
  const resp = await fetch(path + query(params), {headers: headers({Accept: 'application/json'}), signal});
  return (await check(resp)).json();
}

/** GET as text (e.g. /highway.svg). */
export async function getText(path, signal) {
  return (await check(await fetch(path, {headers: headers({}), signal}))).text();
}

/** The query string of params ("" when none is set). */
export function query(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? '?' + s : '';
}

/** Run a SPARQL query through /sparql.  Resolves to {kind: 'json',
 *  data} for SELECT/ASK (SPARQL JSON results) or {kind: 'text', type,
 *  data} for CONSTRUCT/DESCRIBE (Turtle). */
export async function sparql(text, signal) {
  const resp = await fetch('/sparql', {
    method: 'POST',
    headers: headers({
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1',
    }),
    body: new URLSearchParams({query: text}).toString(),
    signal,
  });
  await check(resp);
  const type = (resp.headers.get('Content-Type') || '').split(';')[0].trim();
  if (type.endsWith('json')) return {kind: 'json', type, data: await resp.json()};
  return {kind: 'text', type, data: await resp.text()};
}

/** The rows of a SELECT as plain objects var → binding ({type, value,
 *  'xml:lang', datatype}). */
export async function select(text, signal) {
  const r = await sparql(text, signal);
  if (r.kind !== 'json' || !r.data.results) throw new Error('not a SELECT result');
  return r.data.results.bindings;
}

/** An IRI as a SPARQL IRIREF, or null when it cannot be one (so that
 *  text from the address bar never changes a query's shape). */
export function iriRef(iri) {
  if (typeof iri !== 'string' || !iri || /[\u0000-\u0020<>"{}|^`\\]/.test(iri)) return null;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(iri)) return null;
  return '<' + iri + '>';
}

export const PREFIXES = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  dcterms: 'http://purl.org/dc/terms/',
  dcat: 'http://www.w3.org/ns/dcat#',
  prov: 'http://www.w3.org/ns/prov#',
  foaf: 'http://xmlns.com/foaf/0.1/',
  dmp: 'https://w3id.org/battstore/bigmap-dmp#',
  'dmp-data': 'https://w3id.org/battstore/bigmap/',
  emmo: 'https://w3id.org/emmo#',
  echem: 'https://w3id.org/emmo/domain/electrochemistry#',
  battery: 'https://w3id.org/emmo/domain/battery#',
  bs: 'https://w3id.org/battstore#',
};

/** The PREFIX lines of the prefixes above. */
export function prefixLines(...names) {
  return names.map((n) => `PREFIX ${n}: <${PREFIXES[n]}>\n`).join('');
}

/** A short name for an IRI: a prefixed name when a prefix fits, else the
 *  IRI. */
export function shortIri(iri) {
  let best = null;
  for (const [p, ns] of Object.entries(PREFIXES))
    if (iri.startsWith(ns) && /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(iri.slice(ns.length)))
      if (!best || ns.length > PREFIXES[best].length) best = p;
  return best ? `${best}:${iri.slice(PREFIXES[best].length)}` : iri;
}

/** The local name of an IRI: after the last '#' or '/'. */
export function localName(iri) {
  const m = /[^#/]*$/.exec(iri || '');
  return m && m[0] ? m[0] : iri;
}

const WP_RE = /^https:\/\/w3id\.org\/battstore\/bigmap-dmp#WP\d+$/;

/** Whether an IRI names a BIG-MAP work package. */
export function isWp(iri) {
  return WP_RE.test(iri || '');
}

/** The page address of a resource: its WP page or its resource page. */
export function resourceHref(iri) {
  return (isWp(iri) ? '#/wp' : '#/dataset') + query({iri});
}

/** The page address of a search. */
export function searchHref(params) {
  return '#/search' + query(params);
}

/** The value of a binding as text, with its language tag. */
export function bindingText(b) {
  if (!b) return '';
  return b.value;
}

/** Pick the best of several language-tagged labels: English, then none,
 *  then any. */
export function bestLabel(labels) {
  const by = (pred) => labels.find(pred);
  return by((l) => l && (l['xml:lang'] || '').toLowerCase().startsWith('en')) ||
    by((l) => l && !l['xml:lang']) || labels.find(Boolean) || null;
}

/** A section with a heading for a page. */
export function section(title, id, ...children) {
  return el('section', {'aria-labelledby': id}, el('h2', {id}, title), children);
}

/** A message for a failed request, in a live region. */
export function errorBox(err) {
  const msg = err instanceof HttpError ? `${err.status}: ${err.message}` : String(err.message || err);
  return el('p', {class: 'error', role: 'alert'}, msg);
}
