// SPDX-License-Identifier: MIT
// battstore — the resource page (a dataset, flow, class or any IRI: all its
// metadata, its BattINFO classes, the flows in and out of its work
// package) and the work-package page (its datasets and flows), from
// SELECT queries over /sparql.

import {el, append, replace, select, iriRef, prefixLines, shortIri, localName, isWp,
  resourceHref, searchHref, bestLabel, section, errorBox, PREFIXES} from './util.js';

const RDF_TYPE = PREFIXES.rdf + 'type';
const ABOUT = PREFIXES.dmp + 'about';
const LABEL_PREDS = [PREFIXES.rdfs + 'label', PREFIXES.skos + 'prefLabel',
  PREFIXES.dcterms + 'title'];
const PFX = prefixLines('rdf', 'rdfs', 'skos', 'dcterms', 'dcat', 'dmp');

/** A label lookup for ?x as ?xl: rdfs:label, skos:prefLabel or title. */
function labelOf(x, out) {
  return `OPTIONAL { ${x} skos:prefLabel|rdfs:label ${out}
    FILTER(LANG(${out}) = "" || LANGMATCHES(LANG(${out}), "en")) }`;
}

/** A link to a resource's page, showing its label when known. */
function link(iri, label) {
  return el('a', {href: resourceHref(iri)}, label || shortIri(iri));
}

/** One value of the metadata table. */
function valueNode(o, ol) {
  if (o.type === 'uri') return link(o.value, ol && ol.value);
  if (o.type === 'bnode') return el('span', {class: 'bnode'}, `_:${o.value}`);
  const lang = o['xml:lang'] ? el('span', {class: 'lang'}, `@${o['xml:lang']}`) : null;
  const dt = o.datatype && !/#(string|langString)$/.test(o.datatype)
    ? el('span', {class: 'dtype'}, shortIri(o.datatype)) : null;
  return el('span', {class: 'literal'}, o.value, lang, dt);
}

/** Group rows {p, o, pl, ol} by predicate, keeping the first label each. */
function groupByPredicate(rows) {
  const preds = new Map();
  for (const r of rows) {
    let g = preds.get(r.p.value);
    if (!g) preds.set(r.p.value, g = {p: r.p.value, label: r.pl && r.pl.value, vals: new Map()});
    const key = `${r.o.type} ${r.o.value} ${r.o['xml:lang'] || ''} ${r.o.datatype || ''}`;
    if (!g.vals.has(key)) g.vals.set(key, {o: r.o, ol: r.ol});
  }
  return [...preds.values()];
}

/** The resource's title: a label on it, else its local name. */
function titleOf(groups, iri) {
  for (const p of LABEL_PREDS) {
    const g = groups.find((x) => x.p === p);
    if (g) {
      const l = bestLabel([...g.vals.values()].map((v) => v.o));
      if (l) return l.value;
    }
  }
  return localName(iri);
}

function metadataTable(groups) {
  return el('dl', {class: 'meta-table'}, groups.map((g) => [
    el('dt', {}, el('span', {title: g.p}, g.label || shortIri(g.p))),
    el('dd', {}, el('ul', {class: 'values'},
      [...g.vals.values()].map((v) => el('li', {}, valueNode(v.o, v.ol))))),
  ]));
}

/** The BattINFO/EMMO classes of the resource (dmp:about, rdf:type). */
function classList(groups) {
  const out = [];
  for (const g of groups) {
    if (g.p !== ABOUT && g.p !== RDF_TYPE) continue;
    for (const v of g.vals.values()) {
      if (v.o.type !== 'uri') continue;
      const label = v.ol ? v.ol.value : localName(v.o.value);
      out.push(el('li', {},
        el('span', {class: 'badge'}, g.p === ABOUT ? 'about' : 'type'), ' ',
        link(v.o.value, label), ' ',
        el('a', {href: searchHref({q: label}), class: 'small',
          'aria-label': `Search for ${label}`}, 'search for it')));
    }
  }
  return out.length ? el('ul', {class: 'classes'}, out) : el('p', {}, 'No classes stated.');
}

const FLOW_Q = (wpVar, bind) => `${PFX}
SELECT ?f ?dir ?wp ?other ?otherName ?what ?size ?shared WHERE {
  ${bind}
  { ?f dmp:fromWorkPackage ${wpVar} ; dmp:toWorkPackage ?other . BIND("out" AS ?dir) }
  UNION
  { ?f dmp:toWorkPackage ${wpVar} ; dmp:fromWorkPackage ?other . BIND("in" AS ?dir) }
  ?f a dmp:DataFlow .
  BIND(${wpVar} AS ?wp)
  OPTIONAL { ?other skos:notation ?otherName }
  OPTIONAL { ?f dcterms:description ?what }
  OPTIONAL { ?f dmp:sizeClass ?sc . ?sc skos:prefLabel ?size }
  SHARED
} ORDER BY ?dir ?otherName ?f`;

/** The flows table, grouped in and out. */
function flowsSection(rows, headingId, note) {
  if (!rows.length) return section('Data flows', headingId, el('p', {}, 'No data flows.'));
  const dedup = new Map();
  for (const r of rows) if (!dedup.has(r.f.value + r.dir.value)) dedup.set(r.f.value + r.dir.value, r);
  const part = (dir, caption) => {
    const rs = [...dedup.values()].filter((r) => r.dir.value === dir);
    if (!rs.length) return null;
    const shared = (r) => (r.shared && r.shared.value === 'true' ? 1 : 0);
    const num = (r) => Number(localName(r.other.value).replace(/^WP/, '')) || 0;
    rs.sort((a, b) => shared(b) - shared(a) || num(a) - num(b));
    return el('div', {class: 'table-wrap'}, el('table', {class: 'flows'},
      el('caption', {}, `${caption} (${rs.length})`),
      el('thead', {}, el('tr', {},
        el('th', {scope: 'col'}, dir === 'out' ? 'To' : 'From'),
        el('th', {scope: 'col'}, 'What'), el('th', {scope: 'col'}, 'Size'))),
      el('tbody', {}, rs.map((r) => el('tr', {class: r.shared && r.shared.value === 'true' ? 'shared' : null},
        el('td', {}, el('a', {href: resourceHref(r.other.value), class: 'wp-link'},
          r.otherName ? r.otherName.value : localName(r.other.value))),
        el('td', {}, el('a', {href: resourceHref(r.f.value)},
          r.what ? r.what.value : localName(r.f.value)),
        r.shared && r.shared.value === 'true'
          ? el('span', {class: 'badge'}, 'same class') : null),
        el('td', {}, r.size ? r.size.value : '—'))))));
  };
  return section('Data flows', headingId, note ? el('p', {}, note) : null,
    part('in', 'Incoming'), part('out', 'Outgoing'));
}

async function datasetFlows(ref) {
  const q = FLOW_Q('?wpx', `{ ${ref} dmp:producedBy ?wpx } UNION { ${ref} dmp:deliveredTo ?wpx }`)
    .replace('SHARED', `BIND(EXISTS { ?f dmp:about ?c . ${ref} dmp:about ?c } AS ?shared)`);
  return select(q);
}

/** The page of any resource; datasets get their flows. */
export async function renderResource(main, params) {
  const ref = iriRef(params.iri);
  if (!ref) {
    replace(main, el('h1', {}, 'Resource'), errorBox(new Error('not an IRI: ' + (params.iri || '(none)'))));
    return;
  }
  replace(main, el('h1', {}, shortIri(params.iri)), el('p', {class: 'loading'}, 'Loading…'));
  try {
    const rows = await select(`${PFX}
SELECT ?p ?o ?pl ?ol WHERE {
  ${ref} ?p ?o .
  ${labelOf('?p', '?pl')}
  ${labelOf('?o', '?ol')}
} ORDER BY ?p ?o LIMIT 2000`);
    const groups = groupByPredicate(rows);
    const title = titleOf(groups, params.iri);
    const types = groups.filter((g) => g.p === RDF_TYPE).flatMap((g) => [...g.vals.keys()]);
    const isDataset = types.some((k) => k.includes(PREFIXES.dcat + 'Dataset'));
    const isFlow = types.some((k) => k.includes(PREFIXES.dmp + 'DataFlow'));
    const parts = [el('h1', {}, title), el('p', {class: 'iri-line'}, el('code', {}, params.iri))];
    if (!rows.length) parts.push(el('p', {}, 'Nothing is stated about this resource (or you may not see it).'));
    if (isFlow) parts.push(flowRoute(groups));
    parts.push(section('BattINFO classes', 'sec-classes', classList(groups)));
    parts.push(section('Metadata', 'sec-meta', metadataTable(groups)));
    if (isDataset) {
      const fl = await datasetFlows(ref);
      parts.push(flowsSection(fl, 'sec-flows',
        'The flows in and out of the work package that produces this dataset; ' +
        'flows about the same BattINFO class come first.'));
    }
    parts.push(el('p', {}, el('a', {href: searchHref({q: title})}, `Search for “${title}”`)));
    replace(main, parts);
  } catch (err) {
    append(main, errorBox(err));
  }
}

/** A flow's from → to line with links to both WP pages. */
function flowRoute(groups) {
  const one = (p) => {
    const g = groups.find((x) => x.p === PREFIXES.dmp + p);
    const v = g && [...g.vals.values()][0];
    return v ? link(v.o.value, localName(v.o.value)) : '?';
  };
  return el('p', {class: 'route'}, 'Flow from ', one('fromWorkPackage'), ' to ', one('toWorkPackage'));
}

/** The page of a work package: its datasets, tasks and flows. */
export async function renderWp(main, params) {
  const ref = iriRef(params.iri);
  if (!ref || !isWp(params.iri)) {
    replace(main, el('h1', {}, 'Work package'), errorBox(new Error('not a work package: ' + (params.iri || '(none)'))));
    return;
  }
  const name = localName(params.iri);
  replace(main, el('h1', {}, name), el('p', {class: 'loading'}, 'Loading…'));
  try {
    const [info, datasets, tasks, flows] = await Promise.all([
      select(`${PFX}SELECT ?title ?glabel WHERE { OPTIONAL { ${ref} dcterms:title ?title }
        OPTIONAL { ?g skos:member ${ref} ; rdfs:label ?glabel } } LIMIT 1`),
      select(`${PFX}SELECT ?d (SAMPLE(?t) AS ?title) (SAMPLE(?s) AS ?size) WHERE {
        ?d dmp:producedBy ${ref} ; a dcat:Dataset .
        OPTIONAL { ?d dcterms:title ?t } OPTIONAL { ?d dmp:sizeClass/skos:prefLabel ?s }
      } GROUP BY ?d ORDER BY ?d`),
      select(`${PFX}SELECT ?t ?n ?title WHERE { ?t a dmp:Task ; dmp:workPackage ${ref} .
        OPTIONAL { ?t skos:notation ?n } OPTIONAL { ?t dcterms:title ?title } } ORDER BY ?t`),
      select(FLOW_Q(ref, '').replace('SHARED', '')),
    ]);
    const i = info[0] || {};
    const title = i.title ? `${name} – ${i.title.value}` : name;
    replace(main,
      el('h1', {}, title),
      i.glabel ? el('p', {class: 'group'}, `Group: ${i.glabel.value}`) : null,
      el('p', {class: 'iri-line'}, el('code', {}, params.iri), ' · ',
        el('a', {href: resourceHref(params.iri).replace('#/wp', '#/dataset')}, 'all its metadata'),
        ' · ', el('a', {href: '#/highway'}, 'the data highway')),
      section(`Datasets (${datasets.length})`, 'sec-datasets', datasets.length
        ? el('ul', {class: 'datasets'}, datasets.map((d) => el('li', {},
          link(d.d.value, d.title ? d.title.value : localName(d.d.value)),
          d.size ? el('span', {class: 'badge'}, d.size.value) : null)))
        : el('p', {}, 'No datasets listed.')),
      flowsSection(flows, 'sec-flows', null),
      tasks.length ? section(`Tasks (${tasks.length})`, 'sec-tasks', el('ul', {}, tasks.map((t) =>
        el('li', {}, link(t.t.value, `${t.n ? t.n.value + ' ' : ''}${t.title ? t.title.value : localName(t.t.value)}`)))))
        : null);
  } catch (err) {
    append(main, errorBox(err));
  }
}
