// SPDX-License-Identifier: MIT
// battstore — the data-highway page: the SVG of GET /highway.svg inlined,
// each work package a link (mouse and keyboard) to its page, and the same
// links as a list beside it.

import {el, replace, getText, resourceHref, isWp, localName, errorBox} from './util.js';

const XLINK = 'http://www.w3.org/1999/xlink';

/* Keep only what a drawing needs: no scripts, no event attributes, no
 * links leaving the page (the SVG comes from our own server, but it is
 * data: treat it as such). */
function clean(node) {
  for (const s of node.querySelectorAll('script, foreignObject')) s.remove();
  for (const e of node.querySelectorAll('*'))
    for (const a of [...e.attributes])
      if (/^on/i.test(a.name) || (/href$/i.test(a.name) && /^\s*javascript:/i.test(a.value)))
        e.removeAttribute(a.name);
}

/* Turn each WP node's link (Graphviz wraps a node with URL in <a>) into a
 * link to the WP page; returns [{iri, name, title}] of the WPs. */
function wireLinks(svg) {
  const wps = [];
  for (const a of svg.querySelectorAll('a')) {
    const href = a.getAttribute('href') || a.getAttributeNS(XLINK, 'href') || '';
    if (!isWp(href)) { a.removeAttribute('href'); a.removeAttributeNS(XLINK, 'href'); continue; }
    const title = a.getAttribute('xlink:title') || a.getAttributeNS(XLINK, 'title') ||
      a.getAttribute('title') || localName(href);
    const target = resourceHref(href);
    a.removeAttributeNS(XLINK, 'href');
    a.setAttribute('href', target);
    a.removeAttribute('target');
    a.setAttribute('class', 'wp-node');
    a.setAttribute('aria-label', title);
    a.setAttribute('tabindex', '0');
    a.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); location.hash = target; }
    });
    wps.push({iri: href, name: localName(href), title});
  }
  return wps;
}

/** The highway page. */
export async function renderHighway(main) {
  replace(main, el('h1', {}, 'The data highway'), el('p', {class: 'loading'}, 'Drawing…'));
  try {
    const text = await getText('/highway.svg');
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const svg = doc.documentElement;
    if (!svg || svg.nodeName !== 'svg' || doc.querySelector('parsererror'))
      throw new Error('the server sent no drawing');
    clean(svg);
    // scale to the page: keep the viewBox, drop the fixed size
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.setAttribute('class', 'highway-svg');
    svg.setAttribute('aria-labelledby', 'highway-title');
    const node = document.importNode(svg, true);
    const wps = wireLinks(node);
    wps.sort((a, b) => Number(a.name.slice(2)) - Number(b.name.slice(2)));
    replace(main,
      el('h1', {id: 'highway-title'}, 'The data highway'),
      el('p', {}, 'Work packages of the BIG-MAP plan and the data flowing between them ' +
        '(arrow width: largest size class; dashed: stated by one side only). ' +
        'Select a work package to see its datasets and flows.'),
      el('figure', {class: 'highway'}, node),
      el('section', {'aria-labelledby': 'wp-list-h'},
        el('h2', {id: 'wp-list-h'}, 'Work packages'),
        el('ul', {class: 'wp-list'}, wps.map((w) =>
          el('li', {}, el('a', {href: resourceHref(w.iri)}, w.title))))));
  } catch (err) {
    replace(main, el('h1', {}, 'The data highway'), errorBox(err));
  }
}
