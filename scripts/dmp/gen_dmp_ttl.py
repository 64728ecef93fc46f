#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# battstore — writes ontology/bigmap-dmp-data.ttl from the hand transcription in scripts/dmp/*.tsv.
"""Generate the BIG-MAP Data Management Plan as linked data.

Usage: scripts/dmp/gen_dmp_ttl.py [OUT.ttl]      (default: ontology/bigmap-dmp-data.ttl)
       scripts/dmp/gen_dmp_ttl.py --stats         (row counts per table, flows, one-sided flows)

Inputs (all under scripts/dmp/, tab-separated, '#' lines are comments):
  wps.tsv        work packages and titles
  partners.tsv   partner abbreviations and names (plan section 3.2)
  tasks.tsv      tasks with partners and data origin
  tables.tsv     the plan's tables: number, WP, kind, caption
  rules.tsv      the FAIR rules of section 2 (licence, identifier, embargo, ...)
  datasets.tsv   every row of the "types and formats" tables
  flows.tsv      every row of the "collect" / "deliver" tables
  battinfo.tsv   BattINFO/EMMO classes used for dmp:about, with the text patterns
                 that select them

Cell conventions in datasets.tsv / flows.tsv (see docs/dmp.md):
  "As above"  as written in the plan: resolved to the value of the same column
              in the previous row (recursively), noted with dmp:transcriptionNote;
  "^"         an empty sub-row cell of a merged cell: takes the value of the
              row above, also noted;
  WP cells    "WP2, WP3", "WP4, WP6 and WP10", "WP10 & 11", "WP2-6" expand to
              one flow per WP; an "=WPn" suffix in the note column overrides
              the WP as written (an apparent typo, documented).

The output is deterministic: same TSVs, same bytes.  Python 3 stdlib only.
"""
import csv
import os
import re
import sys
from collections import OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

DMP = "https://w3id.org/battstore/bigmap-dmp#"
DATA = "https://w3id.org/battstore/bigmap/"


def read_tsv(name):
    path = os.path.join(HERE, name)
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if not l.startswith("#") and l.strip()]
    header = lines[0].split("\t")
    rows = []
    for n, l in enumerate(lines[1:], 2):
        cells = l.split("\t")
        if len(cells) < len(header):
            cells += [""] * (len(header) - len(cells))
        if len(cells) > len(header):
            sys.exit("%s: line %d has %d cells, header %d" % (name, n, len(cells), len(header)))
        rows.append(OrderedDict(zip(header, [c.strip() for c in cells])))
    return rows


# ---- Turtle output -------------------------------------------------------

def lit(s, lang=None):
    s = (s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
         .replace("\r", "\\r").replace("\t", "\\t"))
    return '"%s"' % s + ("@" + lang if lang else "")


def typed(v, dt):
    return '"%s"^^xsd:%s' % (v, dt)


class Out:
    def __init__(self):
        self.blocks = []

    def subject(self, s, pairs):
        """pairs: list of (predicate, object) in order; None objects skipped."""
        pairs = [(p, o) for p, o in pairs if o is not None and o != ""]
        body = " ;\n    ".join("%s %s" % (p, o) for p, o in pairs)
        self.blocks.append("%s\n    %s .\n" % (s, body))

    def text(self):
        return "\n".join(self.blocks)


# ---- sizes and formats ---------------------------------------------------

SIZE_RANK = OrderedDict([("KB", 1), ("MB", 2), ("GB", 3), ("TB", 4), ("PB", 5)])


PHYSICAL = re.compile(r"(?<![\w.])g(-kg)?(\s*cm\s*²)?(?![\w-])")


def physical_amount(*cells):
    """A physical amount of sample ("g", "g-kg", "g-kg cm ²") in a size or format cell."""
    for cell in cells:
        m = PHYSICAL.search(cell)
        if m:
            return m.group(0).strip()
    return None


def parse_size(cell):
    """Return (min, max) size classes from a size cell as written."""
    found = []
    for tok in re.findall(r"(?i)\b([kmgtp])(?:b\b|byte\b)", cell):
        found.append(tok.upper() + "B")
    if not found:
        return None, None
    ranks = [SIZE_RANK[x] for x in found]
    lo = min(ranks)
    hi = max(ranks)
    names = list(SIZE_RANK)
    return names[lo - 1], names[hi - 1]


# Formats named in the plan: pattern -> (normalised dcterms:format, IANA media type or None)
FORMATS = [
    (r"\.tar[.,]gz|\btarball\b", ".tar.gz", "application/gzip"),
    (r"\.tar\b(?![.,]gz)", ".tar", None),
    (r"\.docs?\b|\bdocs?\b(?!ument)", ".doc", "application/msword"),
    (r"\.csv\b|\bcsv\b", ".csv", "text/csv"),
    (r"\.json\b|\bjson\b(?!-ld)", ".json", "application/json"),
    (r"json-ld", ".jsonld", "application/ld+json"),
    (r"\.?hdf5?\b|\.hdf\b", ".hdf5", None),
    (r"\.xml\b|\bxml\b", ".xml", "application/xml"),
    (r"netcdf", ".nc", None),
    (r"\.txt\b", ".txt", "text/plain"),
    (r"\.pdf\b", ".pdf", "application/pdf"),
    (r"\.xlsx\b", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (r"\.?xls\b", ".xls", "application/vnd.ms-excel"),
    (r"\.pptx\b", ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (r"\.ppt\b", ".ppt", "application/vnd.ms-powerpoint"),
    (r"\.png\b", ".png", "image/png"),
    (r"\.jpg\b", ".jpg", "image/jpeg"),
    (r"\.tiff\b", ".tiff", "image/tiff"),
    (r"\.owl\b|\bowl\b", ".owl", "application/rdf+xml"),
    (r"\.ttl\b", ".ttl", "text/turtle"),
    (r"\.py\b|\bpython\b", ".py", None),
    (r"\.ipynb\b", ".ipynb", None),
    (r"\.yaml\b", ".yaml", None),
    (r"\bhtml\b", ".html", "text/html"),
    (r"\bjava\b", ".java", None),
    (r"\bcss\b", ".css", "text/css"),
    (r"\.exe\b", ".exe", None),
    (r"\.mpt\b", ".mpt", None),
    (r"\.xy\(z\)", ".xyz", None),
    (r"\.xyz\b", ".xyz", None),
    (r"\.xy\b", ".xy", None),
    (r"\.nxs\b", ".nxs", None),
    (r"\.dat\b", ".dat", None),
    (r"\.z\b", ".z", None),
    (r"\.raw\b", ".raw", None),
    (r"\.uxd\b", ".uxd", None),
    (r"\.?opj\b", ".opj", None),
    (r"\.db\b", ".db", None),
    (r"\.sqlite\b", ".sqlite", None),
    (r"\.3dx\b", ".3dx", None),
    (r"\.?pth\b", ".pth", None),
    (r"\.traj\b", ".traj", None),
    (r"\bnumpy\b", ".npy", None),
    (r"\.?ascii\b", "ASCII", None),
    (r"\bdatabase\b", "database", None),
    (r"\bgithub\b", "GitHub", None),
    (r"\bdoi\b", "DOI", None),
]


def parse_formats(cell):
    out = []
    low = cell.lower()
    for pat, norm, media in FORMATS:
        if re.search(pat, low) and norm not in [o[0] for o in out]:
            out.append((norm, media))
    return out


# ---- names found in the text: software and techniques --------------------

SOFTWARE = ["GAUSSIAN", "ORCA", "MOLPRO", "TURBOMOLE", "NWChem", "QChem", "ADF", "PSI4",
            "MRCC", "NECI", "CP2K", "VASP", "QUANTUM ESPRESSO", "Quantum ESPRESSO", "Yambo",
            "Castep", "GPAW", "QuantumATK", "Crystal", "QUIP", "GAP", "QML", "APDFT",
            "LAMMPS", "GROMACS", "AiiDA", "ASE", "CLEASE", "SimStack", "Simstack", "LIGGGTHS",
            "HOMOMD", "Comsol Multiphysics", "DFTB+", "SCM", "SCIPY", "NUMPY", "MATLAB",
            "SIESTA", "TranSIESTA", "FEniCS", "Pipeline Pilot", "Pipeline pilot",
            "3DEXPERIENCE", "pytorch", "Jupyter", "Docker", "Kubernetes", "Myqueue"]

METHODS = ["XPS", "XRD", "PXRD", "(GI)XRD", "EIS", "GITT", "LSV", "CV", "SEM", "FIB-SEM",
           "STEM-HAADF", "HR-TEM", "TEM", "FIB/STEM", "NMR", "IR", "FTIR", "FT IR", "Raman",
           "EDS/EDX", "EDX", "EDAX", "EELS", "ICP-OES", "ICP MS", "RBS", "LIBS", "ToF-SIMS",
           "SAXS", "SANS", "XRD-CT", "SAXS-CT", "QENS", "INS", "RIXS", "XAS", "EXAFS", "XANES",
           "EQCM", "OEMS", "Auger", "Karl-Fischer titration", "Karl-Fischer-Titration",
           "Rheology", "Stylus profilometry", "Galvanostatic cycling",
           "Potentiostatic amperometry", "Galvanostatic potentiometry",
           "Electrochemical impedance spectroscopy", "X-ray diffraction", "Neutron diffraction",
           "X-ray micro-tomography", "X-ray nano-tomography", "X-ray ptychography",
           "Neutron Imaging", "Neutron Depth Profiling", "Neutron Reflectometry",
           "X-rays Reflectivity", "Atomic Absorption Spectroscopy", "Synchrotron XPS",
           "X-ray Raman Scattering"]


def find_names(names, text):
    out = []
    for n in names:
        if re.search(r"(?<![\w/-])" + re.escape(n) + r"(?![\w-])", text):
            canon = {"Quantum ESPRESSO": "QUANTUM ESPRESSO", "Simstack": "SimStack",
                     "Pipeline pilot": "Pipeline Pilot", "Karl-Fischer-Titration":
                     "Karl-Fischer titration"}.get(n, n)
            if canon not in out:
                out.append(canon)
    return out


# ---- BattINFO annotation -------------------------------------------------

def load_battinfo():
    classes = OrderedDict()
    for r in read_tsv("battinfo.tsv"):
        classes[r["key"]] = r
    return classes


def about_keys(classes, text, manual):
    keys = []
    for k, r in classes.items():
        pat = r["pattern"]
        if pat and re.search(pat, text):
            keys.append(k)
    for k in manual.split():
        if k.startswith("-"):
            if k[1:] in keys:
                keys.remove(k[1:])
        elif k not in keys:
            if k not in classes:
                sys.exit("unknown BattINFO key %r" % k)
            keys.append(k)
    return keys


# ---- WP cells ------------------------------------------------------------

def expand_wps(cell):
    """'WP2, WP3' / 'WP4, WP6 and WP10' / 'WP10 & 11' / 'WP2-6' -> [2, 3, ...]"""
    c = cell.replace("WP ", "WP")
    m = re.fullmatch(r"WP(\d+)\s*-\s*(?:WP)?(\d+)", c)
    if m:
        return list(range(int(m.group(1)), int(m.group(2)) + 1))
    nums = [int(x) for x in re.findall(r"(\d+)", c)]
    if not nums or not c.startswith("WP"):
        sys.exit("cannot read WP cell %r" % cell)
    return nums


# ---- main ----------------------------------------------------------------

def resolve(rows, cols, key_cols):
    """Resolve 'As above' and '^' in place; returns notes per row index."""
    notes = defaultdict(list)
    for i, r in enumerate(rows):
        for c in cols:
            v = r[c]
            if v in ("As above", "^"):
                if i == 0 or any(rows[i - 1][k] != r[k] for k in key_cols):
                    sys.exit("%r with no row above: %r" % (v, r))
                r[c] = rows[i - 1][c]
                what = ('"As above"' if v == "As above" else "empty (merged cell)")
                notes[i].append("%s: %s in the plan, resolved to the row above (row %s)"
                                % (c, what, rows[i - 1]["row"]))
                r.setdefault("_raw", {})[c] = v
    return notes


def table_num(t):
    return int(t.split(".")[1])


def main():
    stats_only = len(sys.argv) > 1 and sys.argv[1] == "--stats"
    out_path = (sys.argv[1] if len(sys.argv) > 1 and not stats_only
                else os.path.join(TOP, "ontology", "bigmap-dmp-data.ttl"))

    wps = read_tsv("wps.tsv")
    partners = read_tsv("partners.tsv")
    tasks = read_tsv("tasks.tsv")
    tables = OrderedDict((r["table"], r) for r in read_tsv("tables.tsv"))
    datasets = read_tsv("datasets.tsv")
    flows = read_tsv("flows.tsv")
    classes = load_battinfo()

    o = Out()
    wp_iri = lambda n: "dmp:WP%d" % n
    partner_keys = {p["abbreviation"]: p for p in partners}

    # work packages and groups
    groups = OrderedDict([
        ("upstream", ("Data-generating work packages (WP2-WP6)",
                      "Upstream data: experiments and simulations (plan Fig. 2, section 2).")),
        ("tools", ("Tool work packages (WP7-WP9)",
                   "Ontology, standards and protocols, infrastructure (plan Fig. 2, section 2)."
                   " Section 2 also lists WP4 among the tools; the figure groups it with WP2-WP6.")),
        ("downstream", ("AI work packages (WP10-WP11)",
                        "Downstream models: AI-accelerated discovery and the Battery Interface"
                        " Genome (plan Fig. 2, section 2).")),
    ])
    members = defaultdict(list)
    for w in wps:
        n = int(w["wp"][2:])
        if w["group"] in groups:
            members[w["group"]].append(n)
        o.subject(wp_iri(n), [
            ("a", "dmp:WorkPackage"),
            ("rdfs:label", lit("%s – %s" % (w["wp"], w["title"]), "en")),
            ("dcterms:title", lit(w["title"], "en")),
            ("skos:notation", lit(w["wp"])),
            ("dmp:workPackageNumber", str(n)),
            ("rdfs:comment", lit("Plan section %s." % w["section"], "en")
             if re.match(r"^[\d.]+$", w["section"]) else lit(w["section"], "en")),
        ])
    for g, (label, comment) in groups.items():
        o.subject("dmp-data:group-%s" % g, [
            ("a", "dmp:WorkPackageGroup"),
            ("rdfs:label", lit(label, "en")),
            ("rdfs:comment", lit(comment, "en")),
            ("skos:member", ", ".join(wp_iri(n) for n in members[g])),
        ])
    o.subject("dmp:WP9", [("dmp:statement", lit(
        "In turn, WP9 collects (and delivers) a variety of data from multiple WPs – already"
        " described in their respective tables.", "en")),
        ("rdfs:comment", lit(
            "WP9 has no 'collect' or 'deliver' table of its own (plan section 1.9.3), so every"
            " flow to or from WP9 is stated by the other side only.", "en"))])

    # the FAIR rules of section 2
    for r in read_tsv("rules.tsv"):
        o.subject("dmp-data:rule-%s" % r["id"], [
            ("a", "dmp:Rule"),
            ("rdfs:label", lit("Rule (section %s): %s" % (r["section"], r["id"].replace("-", " ")), "en")),
            ("skos:notation", lit(r["section"])),
            ("dmp:appliesTo", lit(r["applies"], "en")),
            ("dmp:statement", lit(r["statement"], "en")),
            ("dmp:acceptedLicence", ", ".join("<%s>" % x for x in r["licences"].split()) or None),
            ("dmp:maxEmbargo", typed(r["max_embargo"], "duration") if r["max_embargo"] else None),
            ("dmp:minRetention", typed(r["min_retention"], "duration") if r["min_retention"] else None),
            ("dmp:requiredProperty", ", ".join(r["required"].split()) or None),
        ])

    # partners
    for p in partners:
        a = p["abbreviation"]
        o.subject("dmp-data:partner-%s" % a, [
            ("a", "dmp:Partner, prov:Organization, foaf:Organization"),
            ("rdfs:label", lit(p["name"], "en")),
            ("foaf:name", lit(p["name"])),
            ("skos:notation", lit(a)),
            ("skos:altLabel", lit(a)),
            ("dmp:transcriptionNote", lit(p["note"], "en") if p["note"] else None),
        ])

    # tasks
    for t in tasks:
        num = t["task"]
        wpn = int(num.split(".")[0])
        plist = [x.strip() for x in t["partners"].split(",") if x.strip()]
        allp = plist == ["ALL"]
        for x in plist:
            if x != "ALL" and x not in partner_keys:
                sys.exit("task %s: unknown partner %r" % (num, x))
        o.subject("dmp-data:task-%s" % num, [
            ("a", "dmp:Task"),
            ("rdfs:label", lit("Task %s: %s" % (num, t["title"]), "en")),
            ("dcterms:title", lit(t["title"], "en")),
            ("skos:notation", lit(num)),
            ("dmp:taskNumber", lit(num)),
            ("dmp:workPackage", wp_iri(wpn)),
            ("dmp:partner", ", ".join("dmp-data:partner-%s" % x for x in plist) if plist and not allp else None),
            ("dmp:allPartners", "true" if allp else None),
            ("dmp:dataOrigin", lit(t["origin"], "en") if t["origin"] else None),
        ])

    # tables
    for k, t in tables.items():
        o.subject("dmp-data:table-%s" % k.replace(" ", ""), [
            ("a", "dmp:PlanTable"),
            ("rdfs:label", lit("Table %s" % k, "en")),
            ("skos:notation", lit(k)),
            ("dcterms:title", lit(t["caption"], "en")),
            ("dmp:workPackage", wp_iri(int(t["wp"][2:]))),
            ("dcterms:type", lit(t["kind"])),
            ("dmp:transcriptionNote", lit(
                "Not transcribed: a template for the battery object development table, not data.", "en")
             if t["kind"] == "template" else None),
        ])

    counts = OrderedDict((k, 0) for k in tables)
    used_classes = set()

    def about_objs(keys):
        used_classes.update(keys)
        return ", ".join("<%s>" % classes[k]["iri"] for k in keys) if keys else None

    def keywords(keys):
        return ", ".join(lit(classes[k]["label"], "en") for k in keys) if keys else None

    def size_pairs(cell, fmt):
        lo, hi = parse_size(cell)
        phys = physical_amount(cell, fmt)
        return [
            ("dmp:sizeAsWritten", lit(cell) if cell else None),
            ("dmp:sizeClass", "dmp:Size%s" % hi if hi else None),
            ("dmp:minSizeClass", "dmp:Size%s" % lo if lo else None),
            ("dmp:maxSizeClass", "dmp:Size%s" % hi if hi else None),
            ("dmp:physicalSample", lit(phys) if phys else None),
        ]

    def format_pairs(cell):
        fm = parse_formats(cell)
        return [
            ("dmp:formatAsWritten", lit(cell) if cell else None),
            ("dcterms:format", ", ".join(lit(f) for f, _ in fm) if fm else None),
            ("dcat:mediaType", ", ".join(
                "<http://www.iana.org/assignments/media-types/%s>" % m
                for m in sorted({m for _, m in fm if m})) or None),
        ]

    # datasets: resolve per table
    by_table = OrderedDict()
    for r in datasets:
        by_table.setdefault(r["table"], []).append(r)
    ds_notes = {}
    for tk, rows in by_table.items():
        notes = resolve(rows, ["datatype", "description", "datasets", "type", "format", "size"], ["table"])
        for i, r in enumerate(rows):
            ds_notes[id(r)] = notes.get(i, [])
    seq = defaultdict(int)
    n_datasets = 0
    dup_titles = defaultdict(int)
    for r in datasets:
        dup_titles[(int(tables[r["table"]]["wp"][2:]), r["datatype"])] += 1
    for r in datasets:
        t = tables[r["table"]]
        wpn = int(t["wp"][2:])
        seq[wpn] += 1
        n_datasets += 1
        counts[r["table"]] += 1
        text = " ".join([r["group"], r["datatype"], r["description"], r["datasets"], r["type"]])
        keys = about_keys(classes, text, r["about"])
        notes = ds_notes[id(r)] + ([r["note"]] if r["note"] else [])
        sw = find_names(SOFTWARE, r["datatype"] + " " + r["datasets"])
        me = find_names(METHODS, r["datasets"] + " " + r["datatype"])
        title = r["datatype"]
        if dup_titles[(wpn, title)] > 1:  # a merged Datatype cell: tell its rows apart
            extra = r["description"] or r["datasets"]
            if "description" in r.get("_raw", {}):  # merged too: the data sets column differs
                extra = r["datasets"]
            if len(extra) > 70:
                extra = extra[:70].rsplit(" ", 1)[0] + " …"
            title = "%s — %s" % (title.rstrip(":"), extra)
            if r["group"]:  # the same row text under two group headings (WP5, WP6)
                title += " (%s)" % r["group"]
        o.subject("dmp-data:dataset-WP%d-%d" % (wpn, seq[wpn]), [
            ("a", "dcat:Dataset"),
            ("rdfs:label", lit("WP%d dataset %d: %s" % (wpn, seq[wpn], title), "en")),
            ("dcterms:title", lit(title, "en")),
            ("dmp:datatype", lit(r["datatype"], "en")),
            ("dcterms:description", lit(r["description"], "en") if r["description"] else None),
            ("dmp:dataSets", lit(r["datasets"], "en") if r["datasets"] else None),
            ("dmp:typeDescription", lit(r["type"], "en") if r["type"] else None),
        ] + format_pairs(r["format"]) + size_pairs(r["size"], r["format"]) + [
            ("dmp:producedBy", wp_iri(wpn)),
            ("dmp:software", ", ".join(lit(x) for x in sw) if sw else None),
            ("dmp:method", ", ".join(lit(x) for x in me) if me else None),
            ("dmp:about", about_objs(keys)),
            ("dcat:keyword", keywords(keys)),
            ("dmp:group", lit(r["group"], "en") if r["group"] else None),
            ("dmp:inTable", "dmp-data:table-%s" % r["table"].replace(" ", "")),
            ("dmp:row", str(int(r["row"]))),
            ("dmp:transcriptionNote", ", ".join(lit(x, "en") for x in notes) if notes else None),
        ])

    # flows
    by_table = OrderedDict()
    for r in flows:
        by_table.setdefault(r["table"], []).append(r)
    fl_notes = {}
    for tk, rows in by_table.items():
        notes = resolve(rows, ["wp", "what", "purpose", "type", "format", "size"], ["table"])
        for i, r in enumerate(rows):
            fl_notes[id(r)] = notes.get(i, [])
    records = []  # one per (statement, WP)
    for r in flows:
        t = tables[r["table"]]
        counts[r["table"]] += 1
        own = int(t["wp"][2:])
        side = {"collects": "CollectsFrom", "delivers": "DeliversTo"}[t["kind"]]
        wp_cell = r["wp"]
        override = re.search(r"=WP(\d+)", r["note"])
        others = [int(override.group(1))] if override else expand_wps(wp_cell)
        stmt = "dmp-data:stmt-%s-%s" % (r["table"].replace(" ", ""), r["row"])
        recs = []
        for other in others:
            if other == own:
                sys.exit("%s row %s: self flow WP%d (add an =WPn override)" % (r["table"], r["row"], own))
            frm, to = (other, own) if side == "CollectsFrom" else (own, other)
            rec = dict(r=r, stmt=stmt, side=side, own=own, frm=frm, to=to,
                       tnum=table_num(r["table"]), row=int(r["row"]))
            recs.append(rec)
            records.append(rec)
        r["_recs"] = recs
        r["_stmt"] = stmt
    # number flows per pair, in table / row order
    pair_n = defaultdict(int)
    for rec in sorted(records, key=lambda x: (x["frm"], x["to"], x["tnum"], x["row"])):
        pair_n[(rec["frm"], rec["to"])] += 1
        rec["iri"] = "dmp-data:flow-WP%d-WP%d-%d" % (rec["frm"], rec["to"], pair_n[(rec["frm"], rec["to"])])
    # link the two sides of each pair
    sides = defaultdict(lambda: defaultdict(list))
    for rec in records:
        sides[(rec["frm"], rec["to"])][rec["side"]].append(rec)
    for rec in records:
        other = "DeliversTo" if rec["side"] == "CollectsFrom" else "CollectsFrom"
        rec["match"] = sorted(x["iri"] for x in sides[(rec["frm"], rec["to"])][other])
    # statements
    for r in flows:
        t = tables[r["table"]]
        raw_wp = r.get("_raw", {}).get("wp")
        o.subject(r["_stmt"], [
            ("a", "dmp:FlowStatement"),
            ("rdfs:label", lit("Table %s row %s (%s)" % (r["table"], r["row"],
                               "collects from" if t["kind"] == "collects" else "delivers to"), "en")),
            ("dmp:inTable", "dmp-data:table-%s" % r["table"].replace(" ", "")),
            ("dmp:row", str(int(r["row"]))),
            ("dmp:side", "dmp:" + r["_recs"][0]["side"]),
            ("dmp:statedBy", wp_iri(int(t["wp"][2:]))),
            ("dmp:workPackage", wp_iri(int(t["wp"][2:]))),
            ("dmp:asWritten", lit(r["wp"]) if raw_wp is None else lit(raw_wp)),
            ("dmp:declares", ", ".join(x["iri"] for x in r["_recs"])),
        ])
    one_sided = 0
    for rec in sorted(records, key=lambda x: (x["frm"], x["to"], x["tnum"], x["row"])):
        r = rec["r"]
        text = " ".join([r["what"], r["purpose"], r["type"]])
        keys = about_keys(classes, text, r["about"])
        notes = list(fl_notes[id(r)])
        if r["note"]:
            notes.append(re.sub(r"\s*=WP\d+", "", r["note"]))
        if len(r["_recs"]) > 1:
            notes.append('WP cell "%s" expanded into one flow per WP' % r["wp"])
        if not rec["match"]:
            one_sided += 1
        o.subject(rec["iri"], [
            ("a", "dmp:DataFlow"),
            ("rdfs:label", lit("WP%d → WP%d: %s (Table %s row %d, %s)" % (
                rec["frm"], rec["to"], r["what"], r["table"], rec["row"],
                "collects from" if rec["side"] == "CollectsFrom" else "delivers to"), "en")),
            ("dmp:fromWorkPackage", wp_iri(rec["frm"])),
            ("dmp:toWorkPackage", wp_iri(rec["to"])),
            ("dcterms:description", lit(r["what"], "en")),
            ("dmp:purpose", lit(r["purpose"], "en") if r["purpose"] else None),
            ("dmp:typeDescription", lit(r["type"], "en") if r["type"] else None),
        ] + format_pairs(r["format"]) + size_pairs(r["size"], r["format"]) + [
            ("dmp:about", about_objs(keys)),
            ("dcat:keyword", keywords(keys)),
            ("dmp:side", "dmp:" + rec["side"]),
            ("dmp:statedBy", wp_iri(rec["own"])),
            ("dmp:declaredBy", rec["stmt"]),
            ("dmp:inTable", "dmp-data:table-%s" % r["table"].replace(" ", "")),
            ("dmp:row", str(rec["row"])),
            ("dmp:correspondsTo", ", ".join(rec["match"]) if rec["match"] else None),
            ("dmp:transcriptionNote", ", ".join(lit(x, "en") for x in notes) if notes else None),
        ])
    pairs = sorted({(x["frm"], x["to"]) for x in records})
    for frm in sorted({p[0] for p in pairs}):
        o.subject(wp_iri(frm), [("dmp:flowsTo", ", ".join(wp_iri(t) for f, t in pairs if f == frm))])

    if stats_only:
        nflows = defaultdict(int)
        nlone = defaultdict(int)
        for x in records:
            nflows[x["r"]["table"]] += 1
            nlone[x["r"]["table"]] += 0 if x["match"] else 1
        print("table\tWP\tkind\trows\tflows\tone-sided")
        for k, v in counts.items():
            t = tables[k]
            f = (str(nflows[k]), str(nlone[k])) if t["kind"] in ("collects", "delivers") else ("", "")
            print("%s\t%s\t%s\t%d\t%s\t%s" % (k, t["wp"], t["kind"], v, f[0], f[1]))
        print("datasets\t%d" % n_datasets)
        print("flow statements (rows)\t%d" % len(flows))
        print("flows (after expanding WP cells)\t%d" % len(records))
        print("WP pairs with a flow\t%d" % len(pairs))
        print("one-sided flows\t%d" % one_sided)
        print("one-sided flows not involving WP9\t%d" % sum(
            1 for x in records if not x["match"] and 9 not in (x["frm"], x["to"])))
        print("pairs stated by one side only\t%d" % sum(
            1 for p in pairs if not (sides[p]["CollectsFrom"] and sides[p]["DeliversTo"])))
        print("BattINFO classes used\t%d" % len(used_classes))
        return

    head = """# SPDX-License-Identifier: CC-BY-4.0
# battstore — the BIG-MAP Data Management Plan as linked data (generated by scripts/dmp/gen_dmp_ttl.py; do not edit).

@prefix dmp:      <%s> .
@prefix dmp-data: <%s> .
@prefix rdf:      <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:     <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:      <http://www.w3.org/2001/XMLSchema#> .
@prefix owl:      <http://www.w3.org/2002/07/owl#> .
@prefix skos:     <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms:  <http://purl.org/dc/terms/> .
@prefix dcat:     <http://www.w3.org/ns/dcat#> .
@prefix prov:     <http://www.w3.org/ns/prov#> .
@prefix foaf:     <http://xmlns.com/foaf/0.1/> .

<https://w3id.org/battstore/bigmap-dmp-data>
    a owl:Ontology, dcat:Catalog ;
    rdfs:label "The BIG-MAP Data Management Plan as linked data"@en ;
    dcterms:title "The BIG-MAP Data Management Plan as linked data"@en ;
    rdfs:comment "Every row of the plan's data tables WP 1.1-WP 1.31 (the template WP 1.19 excepted), the work packages, tasks and partners, transcribed from Castelli et al., Supplementary Information sections 1.2-1.11 and 3.2. Transcription rules and ambiguities: docs/dmp.md."@en ;
    dcterms:source "Castelli, I. E. et al.: Data Management Plans: the Importance of Data Management in the BIG-MAP Project, with its Supplementary Information (the BIG-MAP DMP)"@en ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    owl:imports <https://w3id.org/battstore/bigmap-dmp> .

""" % (DMP, DATA)
    text = head + o.text()
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
    # the classes referenced, for scripts/dmp/gen_battinfo_terms.sh (only when
    # writing the committed file: a test regenerating elsewhere leaves it alone)
    if len(sys.argv) > 1:
        return
    with open(os.path.join(HERE, "battinfo-used.txt"), "w", encoding="utf-8") as f:
        f.write("# SPDX-License-Identifier: MIT\n# battstore — BattINFO/EMMO classes referenced by bigmap-dmp-data.ttl (generated).\n")
        for k in classes:
            if k in used_classes:
                f.write(classes[k]["iri"] + "\n")


if __name__ == "__main__":
    main()
