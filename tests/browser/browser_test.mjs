// SPDX-License-Identifier: MIT
// battstore — the browser test: the real `battstore serve` on a store with
// the BIG-MAP plan and BattINFO, driven in Debian's headless Chromium by
// playwright-core, with the keyboard as a person would: type "electrode",
// pick a completion, see the plan's datasets, open one, follow a flow to
// another work package, open the data highway and a WP from it, run a
// named query in the SPARQL editor; then the phone width.  Asserts on the
// page's content (never on pixels); screenshots go to tests/browser/out/.
// Prints TAP; the last line is "# N passed, N failed".
//
// Environment: BS (the battstore binary), BS_TOP_SRCDIR (ontology/, web/,
// queries/), BS_SHARED (../shared: the BattINFO closure, loaded when
// there), BS_BROWSER_OUT (screenshots), BS_CHROMIUM (/usr/bin/chromium).

import {spawn, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TOP = process.env.BS_TOP_SRCDIR || path.resolve(HERE, '../..');
const BUILD = process.env.BS_TOP_BUILDDIR || TOP;
const BS = process.env.BS || path.join(BUILD, 'battstore');
const SHARED = process.env.BS_SHARED || path.resolve(TOP, '../shared');
const OUT = process.env.BS_BROWSER_OUT || path.join(BUILD, 'tests/browser/out');
const CHROMIUM = process.env.BS_CHROMIUM || '/usr/bin/chromium';
const T = 20000; // ms: every wait (sanitizer builds are slow)
const SECRET_GRAPH = 'https://web.test/restricted';
const SECRET_DS = 'https://web.test/secret-dataset';
const SECRET_WORD = 'Quokkasecret';
const SECRET_TOKEN = 'rr-t0k-browser';

const {chromium} = await import(path.join(TOP, 'node_modules/playwright-core/index.mjs'));

// ---- TAP -------------------------------------------------------------------
let n = 0, failed = 0;
let expectHttpError = false; // set while a step provokes an HTTP error on purpose
function ok(cond, what, why) {
  n++;
  if (cond) console.log(`ok ${n} - ${what}`);
  else {
    failed++;
    console.log(`not ok ${n} - ${what}`);
    if (why) console.log(`# ${String(why).split('\n').join('\n# ')}`);
  }
  return cond;
}
/** Run a step; an exception fails it (with the message) instead of the run. */
async function step(what, fn) {
  try {
    const r = await fn();
    if (r === false) return ok(false, what);
    return ok(true, what);
  } catch (err) {
    return ok(false, what, err && err.message ? err.message.split('\n')[0] : err);
  }
}
function finish() {
  console.log(`# ${n - failed} passed, ${failed} failed`);
  process.exitCode = failed || !n ? 1 : 0;
}

// ---- the plan's datasets, read from the Turtle itself ---------------------
/** {iri → {title, wp}} of every dcat:Dataset of bigmap-dmp-data.ttl. */
function planDatasets() {
  const ttl = fs.readFileSync(path.join(TOP, 'ontology/bigmap-dmp-data.ttl'), 'utf8');
  const out = new Map();
  for (const block of ttl.split(/\n\n+/)) {
    const m = /^dmp-data:(dataset-\S+)\n\s+a dcat:Dataset ;/.exec(block);
    if (!m) continue;
    const title = /dcterms:title "((?:[^"\\]|\\.)*)"/.exec(block);
    const wp = /dmp:producedBy dmp:(WP\d+)/.exec(block);
    out.set('https://w3id.org/battstore/bigmap/' + m[1], {
      title: title ? title[1].replace(/\\"/g, '"') : '', wp: wp ? wp[1] : ''});
  }
  return out;
}

// ---- the store and the server ---------------------------------------------
function load(store, args) {
  execFileSync(BS, ['load', '--quiet', '--store', store, ...args],
    {stdio: ['ignore', 'ignore', 'pipe']});
}

function makeStore(dir) {
  const store = path.join(dir, 'store');
  const root = path.join(SHARED, 'ontologies/domain-battery/battery.ttl');
  let closure = false;
  if (fs.existsSync(root)) {
    load(store, ['--imports', '--catalog', path.join(SHARED, 'ontologies/catalog-v001.xml'), root]);
    closure = true;
  } else if (process.env.BS_REQUIRE_SHARED) {
    throw new Error(`${root} is missing`);
  }
  for (const f of ['bigmap-dmp', 'bigmap-dmp-data', 'battinfo-terms'])
    load(store, ['--replace', '--graph', `https://w3id.org/battstore/graph/${f}`,
      path.join(TOP, 'ontology', f + '.ttl')]);
  // a dataset only a reader:restricted token may see
  const secret = path.join(dir, 'secret.ttl');
  fs.writeFileSync(secret, `<${SECRET_DS}> a <http://www.w3.org/ns/dcat#Dataset> ;
  <http://purl.org/dc/terms/title> "${SECRET_WORD} electrode dataset"@en .\n`);
  load(store, ['--graph', SECRET_GRAPH, secret]);
  execFileSync(BS, ['graphs', '--store', store, '--set-access', SECRET_GRAPH, 'restricted'],
    {stdio: 'ignore'});
  fs.writeFileSync(path.join(dir, 'tokens'), `${SECRET_TOKEN} reader:restricted\n`);
  return {store, closure, tokens: path.join(dir, 'tokens')};
}

function serve(store, tokens) {
  return new Promise((resolve, reject) => {
    const p = spawn(BS, ['serve', '--store', store, '--port', '0', '--quiet', '--tokens', tokens,
      '--web', path.join(TOP, 'web'), '--queries', path.join(TOP, 'queries')],
    {stdio: ['ignore', 'ignore', 'pipe']});
    let err = '';
    const timer = setTimeout(() => reject(new Error('the server did not start: ' + err)), T);
    p.stderr.on('data', (d) => {
      err += d;
      const m = /serving .* at (http:\/\/\S+?)\/?\n/.exec(err);
      if (m) { clearTimeout(timer); resolve({proc: p, url: m[1], log: () => err}); }
    });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server exited (${code}): ${err}`)); });
  });
}

function stop(srv) {
  return new Promise((resolve) => {
    if (srv.proc.exitCode !== null) return resolve(srv.proc.exitCode);
    srv.proc.removeAllListeners('exit');
    srv.proc.on('exit', (code, sig) => resolve(code === null ? sig : code));
    srv.proc.kill('SIGTERM');
    setTimeout(() => srv.proc.kill('SIGKILL'), 10000).unref();
  });
}

// ---- the steps ------------------------------------------------------------
/** Wait until the page's main region is no longer busy. */
async function settled(page) {
  await page.waitForFunction(() => {
    const m = document.getElementById('main');
    return m && m.getAttribute('aria-busy') === 'false' &&
      !m.querySelector('[aria-busy="true"], .loading');
  }, null, {timeout: T});
}

async function shot(page, name) {
  await page.screenshot({path: path.join(OUT, name + '.png'), fullPage: true});
}

/** Press Tab until the focused element matches sel (at most max times). */
async function tabTo(page, sel, max = 400) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), sel))
      return true;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${sel}`);
}

async function run() {
  fs.mkdirSync(OUT, {recursive: true});
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bs_browser_'));
  const datasets = planDatasets();
  ok(datasets.size > 100, `the plan lists its datasets (${datasets.size})`);
  const wpsWithData = new Set([...datasets.values()].map((d) => d.wp));
  let srv = null, browser = null;
  try {
    const {store, closure, tokens} = makeStore(tmp);
    ok(true, `store loaded (plan, battinfo-terms${closure ? ', the BattINFO closure' : ''})`);
    srv = await serve(store, tokens);
    ok(true, `battstore serve at ${srv.url}`);
    browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync']});
    const ctx = await browser.newContext({viewport: {width: 1200, height: 900}});
    const page = await ctx.newPage();
    page.setDefaultTimeout(T);
    const problems = [];
    page.on('console', (m) => {
      // the error step's 400 is logged by Chromium as a failed load: expected there
      if (m.type() === 'error' && !(expectHttpError && /status of 400/.test(m.text())))
        problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => {
      // the page aborts a completion request made stale by further typing
      const why = r.failure() ? r.failure().errorText : '';
      if (!(why === 'net::ERR_ABORTED' && /\/suggest\?/.test(r.url())))
        problems.push(`request failed: ${r.url()} ${why}`);
    });
    await steps(page, srv.url, datasets, wpsWithData);
    await tokenSteps(page, srv.url);
    await phone(browser, srv.url);
    ok(problems.length === 0, 'no console errors, page errors or failed requests',
      problems.slice(0, 10).join('\n'));
  } catch (err) {
    ok(false, 'the browser test ran to its end', err.stack || err);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (srv) ok(await stop(srv) === 0, 'the server stops cleanly', srv.log().slice(-2000));
    fs.rmSync(tmp, {recursive: true, force: true});
  }
  finish();
}

async function steps(page, url, datasets, wpsWithData) {
  let hitTitle = '';
  await step('the search page opens', async () => {
    await page.goto(url + '/');
    await settled(page);
    return (await page.locator('h1').innerText()) === 'Search';
  });
  await step('Tab first reaches the skip link, which moves focus to the main region', async () => {
    await page.keyboard.press('Tab');
    if (!(await page.evaluate(() => document.activeElement.classList.contains('skip')))) return false;
    await page.keyboard.press('Enter');
    return page.evaluate(() => document.activeElement.id === 'main' && location.hash === '');
  });

  // ---- type "electrode", pick a completion with the keyboard --------------
  const box = page.getByRole('combobox');
  await step('typing "electrode" in the search box shows completions', async () => {
    await tabTo(page, '[role=combobox]');
    await page.keyboard.type('electrode', {delay: 40});
    await page.locator('[role=listbox] [role=option]').first().waitFor({timeout: T});
    const texts = await page.locator('[role=listbox] [role=option]').allInnerTexts();
    if (!texts.some((t) => /electrode/i.test(t))) throw new Error('completions: ' + texts.join(' | '));
    return (await box.getAttribute('aria-expanded')) === 'true';
  });
  await step('Escape closes the completions, ArrowDown opens them again', async () => {
    await page.keyboard.press('Escape');
    if ((await box.getAttribute('aria-expanded')) !== 'false') return false;
    if (!(await page.locator('[role=listbox]').isHidden())) return false;
    if ((await box.inputValue()) !== 'electrode') return false;
    await page.keyboard.press('ArrowDown');
    return (await box.getAttribute('aria-expanded')) === 'true' &&
      !(await box.getAttribute('aria-activedescendant'));
  });
  await shot(page, '1-suggest');
  let picked = '';
  await step('ArrowDown makes the first completion active (aria-activedescendant)', async () => {
    await page.keyboard.press('ArrowDown');
    const id = await box.getAttribute('aria-activedescendant');
    const opt = page.locator(`[id="${id}"]`);
    picked = (await opt.locator('.opt-label').innerText()).trim();
    return Boolean(id) && (await opt.getAttribute('aria-selected')) === 'true';
  });
  await step('Enter picks it: the search runs for it and the list closes', async () => {
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.startsWith('#/search?q='), null, {timeout: T});
    await settled(page);
    const q = new URLSearchParams(await page.evaluate(() => location.hash.slice(location.hash.indexOf('?')))).get('q');
    if (q !== picked) throw new Error(`searched "${q}", picked "${picked}"`);
    return (await box.getAttribute('aria-expanded')) === 'false';
  });

  // ---- results: the plan's datasets, snippets, why, facets -----------------
  const hits = page.locator('ol.hits > li.hit');
  await step('the results list datasets of the plan (titles from bigmap-dmp-data.ttl)', async () => {
    await hits.first().waitFor({timeout: T});
    const titles = await hits.locator('h3').allInnerTexts();
    const known = [...datasets.values()].map((d) => d.title).filter(Boolean);
    const found = titles.filter((t) => known.some((k) => t.includes(k)));
    if (!found.length) throw new Error('hits: ' + titles.slice(0, 5).join(' | '));
    hitTitle = found[0];
    return true;
  });
  await step('a result count is shown', async () =>
    /\d+ results?/.test(await page.locator('.summary').innerText()));
  await step('snippets highlight the matched words with <mark>', async () => {
    const marks = await page.locator('.hits mark').allInnerTexts();
    if (!marks.length) throw new Error('no <mark> in the results');
    return marks.some((m) => /electro/i.test(m));
  });
  await step('each hit says why it matched', async () =>
    (await page.locator('.hits .why').count()) > 0);
  await step('facets with counts: work package, and a filter link narrows the search', async () => {
    const wp = page.locator('.facet-group', {has: page.locator('h3', {hasText: 'Work package'})});
    const links = wp.locator('a.facet');
    if (!(await links.count())) throw new Error('no work-package facet');
    const count = Number(await links.first().locator('.count').innerText());
    await links.first().focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /[?&]wp=/.test(location.hash), null, {timeout: T});
    await settled(page);
    const total = Number(/(\d+) results?/.exec(await page.locator('.summary').innerText())[1]);
    if (total !== count) throw new Error(`facet said ${count}, filtered search found ${total}`);
    await page.goBack();
    await settled(page);
    return true;
  });
  await shot(page, '2-results');

  // ---- open a dataset (keyboard) -------------------------------------------
  let dsIri = '';
  await step('Enter on a result opens its dataset page with its title and classes', async () => {
    const link = hits.locator('h3 a', {hasText: hitTitle}).first();
    dsIri = new URLSearchParams((await link.getAttribute('href')).split('?')[1]).get('iri');
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.startsWith('#/dataset?'), null, {timeout: T});
    await settled(page);
    const h1 = await page.locator('h1').innerText();
    const want = datasets.get(dsIri);
    if (!want || !h1.includes(want.title)) throw new Error(`h1 "${h1}" for ${dsIri}`);
    const classes = await page.locator('ul.classes li').allInnerTexts();
    return classes.some((c) => /about/.test(c));
  });
  if (!datasets.has(dsIri)) { // the search failed: test the rest from a known dataset
    dsIri = 'https://w3id.org/battstore/bigmap/dataset-WP3-2';
    await page.goto(`${url}/#/dataset?iri=${encodeURIComponent(dsIri)}`);
    await settled(page);
  }
  await step('the dataset page shows its metadata (producing WP linked)', async () => {
    const wp = datasets.get(dsIri).wp;
    return (await page.locator(`.meta-table a[href*="${encodeURIComponent('bigmap-dmp#' + wp)}"]`).count()) > 0;
  });
  await shot(page, '3-dataset');

  // ---- follow a flow to another WP --------------------------------------------
  await step('its flows table links to other work packages; following one opens that WP with its datasets', async () => {
    const own = datasets.get(dsIri).wp;
    const links = page.locator('table.flows a.wp-link');
    const nl = await links.count();
    if (!nl) throw new Error('no flows');
    let target = null, name = '';
    for (let i = 0; i < nl && !target; i++) {
      const t = (await links.nth(i).innerText()).trim();
      if (t !== own && wpsWithData.has(t)) { target = links.nth(i); name = t; }
    }
    if (!target) throw new Error('no flow to a WP with datasets');
    await target.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.startsWith('#/wp?'), null, {timeout: T});
    await settled(page);
    const h1 = await page.locator('h1').innerText();
    if (!h1.startsWith(name)) throw new Error(`h1 "${h1}", want ${name}`);
    const shown = await page.locator('ul.datasets li a').allInnerTexts();
    const want = [...datasets.values()].filter((d) => d.wp === name).map((d) => d.title);
    if (shown.length !== want.length) throw new Error(`${shown.length} datasets shown, the plan has ${want.length}`);
    return want.every((t) => shown.includes(t));
  });
  await step('the WP page lists its incoming and outgoing flows', async () =>
    (await page.locator('table.flows caption', {hasText: 'Incoming'}).count()) === 1 &&
    (await page.locator('table.flows caption', {hasText: 'Outgoing'}).count()) === 1);
  await shot(page, '4-wp');

  // ---- the data highway ------------------------------------------------------
  await step('the main navigation opens the data highway: an inline SVG with a link per WP', async () => {
    await page.locator('.site-nav a', {hasText: 'Data highway'}).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#/highway', null, {timeout: T});
    await settled(page);
    await page.locator('figure.highway svg').waitFor({timeout: T});
    const nodes = await page.locator('figure.highway svg a.wp-node').count();
    if (nodes < 11) throw new Error(`${nodes} WP links in the drawing`);
    return (await page.locator('figure.highway svg g.edge').count()) > 20;
  });
  await shot(page, '5-highway');
  await step('a WP node of the drawing opens its page from the keyboard', async () => {
    const node = page.locator('figure.highway svg a.wp-node', {has: page.locator('text', {hasText: /^WP5$/})}).first();
    await node.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash.startsWith('#/wp?'), null, {timeout: T});
    await settled(page);
    return (await page.locator('h1').innerText()).startsWith('WP5');
  });

  // ---- the SPARQL editor --------------------------------------------------------
  await step('the SPARQL editor lists the named queries as examples', async () => {
    await page.goto(url + '/#/sparql');
    await settled(page);
    await page.waitForFunction(() => document.querySelectorAll('#sparql-examples option').length > 5, null, {timeout: T});
    return true;
  });
  await step('choosing an example fills the editor, highlighted', async () => {
    await page.locator('#sparql-examples').selectOption('about-class');
    const text = await page.locator('#sparql-text').inputValue();
    if (!text.includes('"Electrode"')) throw new Error('the parameter default is not in the text');
    const kinds = await page.locator('.code-layer span').evaluateAll((s) => [...new Set(s.map((x) => x.className))]);
    return ['tok-keyword', 'tok-iri', 'tok-pname', 'tok-variable', 'tok-string', 'tok-comment']
      .every((k) => kinds.includes(k));
  });
  await step('Ctrl+Enter runs it: a results table with rows', async () => {
    await page.locator('#sparql-text').focus();
    await page.keyboard.press('Control+Enter');
    await page.locator('table.results-table tbody tr').first().waitFor({timeout: T});
    const heads = await page.locator('table.results-table thead th').allInnerTexts();
    const rows = await page.locator('table.results-table tbody tr').count();
    if (heads.join(' ') !== '?x ?kind ?title ?about') throw new Error('columns ' + heads.join(' '));
    return rows > 0;
  });
  await shot(page, '6-sparql');
  await step('a query with a syntax error shows the server\'s message', async () => {
    expectHttpError = true;
    await page.locator('#sparql-text').fill('SELECT * WHERE { ?s ?p }');
    await page.locator('#sparql-text').focus();
    await page.keyboard.press('Control+Enter');
    const err = page.locator('.sparql-results [role=alert]');
    await err.waitFor({timeout: T});
    const text = await err.innerText();
    await page.waitForTimeout(200); // the console message comes after the response
    expectHttpError = false;
    return /^400/.test(text);
  });
}

/** The access token form: restricted data appears with the token only. */
async function tokenSteps(page, url) {
  const search = async () => {
    await page.goto(`${url}/#/search?q=${SECRET_WORD}`);
    await settled(page);
    return page.locator('.summary').innerText();
  };
  await step('anonymous: a restricted dataset is not found', async () =>
    /^No results/.test(await search()));
  await step('with a reader:restricted token (footer form) it is found; forgetting it hides it again', async () => {
    await page.locator('.token summary').focus();
    await page.keyboard.press('Enter');
    await page.locator('#token').focus();
    await page.keyboard.type(SECRET_TOKEN);
    await page.keyboard.press('Enter');
    await settled(page);
    const link = page.locator('ol.hits h3 a', {hasText: SECRET_WORD});
    await link.first().waitFor({timeout: T});
    if ((await page.locator('#token-state').innerText()) !== 'A token is in use.') return false;
    await page.locator('#token-forget').click();
    await settled(page);
    return /^No results/.test(await page.locator('.summary').innerText());
  });
}

/** At 375 px: no horizontal scroll on any page; a screenshot of each. */
async function phone(browser, url) {
  const ctx = await browser.newContext({viewport: {width: 375, height: 740}, isMobile: true,
    hasTouch: true, deviceScaleFactor: 2});
  const page = await ctx.newPage();
  const pages = [['search', '#/search?q=electrode'], ['dataset', '#/dataset?iri=' +
    encodeURIComponent('https://w3id.org/battstore/bigmap/dataset-WP3-2')],
  ['wp', '#/wp?iri=' + encodeURIComponent('https://w3id.org/battstore/bigmap-dmp#WP5')],
  ['highway', '#/highway'], ['sparql', '#/sparql']];
  for (const [name, hash] of pages) {
    await step(`phone width (375 px): the ${name} page has no horizontal scroll`, async () => {
      await page.goto(url + '/' + hash);
      await settled(page);
      await shot(page, `phone-${name}`);
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      if (w > 375) throw new Error(`scrollWidth ${w}`);
      return true;
    });
  }
  await ctx.close();
}

await run();
