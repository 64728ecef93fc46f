/* SPDX-License-Identifier: MIT
 * battstore — deterministic generator of BIG-MAP dataset metadata (N-Triples). */

/*
 * Usage: gen_datasets N_TRIPLES [SEED] > file.nt
 *
 * Writes whole dcat:Dataset records until at least N_TRIPLES triples have
 * been written (so the count overshoots by less than one record), and
 * prints the exact count on stderr.  N_TRIPLES accepts a k/M/G suffix.
 * The same N and SEED always give the same bytes.
 *
 * The records imitate what the BIG-MAP Data Management Plan says each work
 * package produces and delivers: the data types, engines, techniques,
 * formats and size classes of its WP tables, the WP-to-WP deliveries, and
 * a BattINFO / EMMO class as the theme.  A record is about 13 triples:
 *
 *   rdf:type dcat:Dataset; dcterms:title (@en or plain, sometimes a second
 *   title in another language); dcterms:description; 1-3 dcat:keyword;
 *   dcterms:creator; dcterms:issued and (half the time) dcterms:modified as
 *   xsd:date; dcterms:license; dmp:producedBy and dmp:deliveredTo (WP IRIs);
 *   dcat:mediaType (IANA IRI) or dcterms:format (a literal, when the format
 *   has no registered media type); dmp:sizeClass; dcat:theme.
 *
 * Speed matters (10M triples must take seconds): everything is appended to
 * one output buffer with memcpy, no printf on the hot path.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- namespaces and fixed predicates --------------------------------- */

#define RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define DCAT "http://www.w3.org/ns/dcat#"
#define DCT "http://purl.org/dc/terms/"
#define XSD "http://www.w3.org/2001/XMLSchema#"
#define DMP "https://w3id.org/battstore/bigmap-dmp#"
#define DATA "https://w3id.org/battstore/bigmap/"
#define IANA "http://www.iana.org/assignments/media-types/"
#define BATT "https://w3id.org/emmo/domain/battery#"
#define ECHEM "https://w3id.org/emmo/domain/electrochemistry#"
#define MANUF "https://w3id.org/emmo/domain/manufacturing#"

#define P_TYPE " <" RDF "type> "
#define P_TITLE " <" DCT "title> "
#define P_DESC " <" DCT "description> "
#define P_KEYWORD " <" DCAT "keyword> "
#define P_CREATOR " <" DCT "creator> "
#define P_ISSUED " <" DCT "issued> "
#define P_MODIFIED " <" DCT "modified> "
#define P_LICENSE " <" DCT "license> "
#define P_PRODUCED " <" DMP "producedBy> "
#define P_DELIVERED " <" DMP "deliveredTo> "
#define P_MEDIATYPE " <" DCAT "mediaType> "
#define P_FORMAT " <" DCT "format> "
#define P_SIZE " <" DMP "sizeClass> "
#define P_THEME " <" DCAT "theme> "
#define O_DATASET "<" DCAT "Dataset>"
#define DATE_TYPE "^^<" XSD "date>"

/* ---- vocabulary -------------------------------------------------------- */

/* Real BattINFO / EMMO domain class IRIs (battery, electrochemistry and
 * manufacturing modules), used as dcat:theme. */
static const char *const battinfo_classes[] = {
    BATT "battery_68ed592a_7924_45d0_a108_94d6275d57f0", /* BatteryCell */
    BATT "battery_96addc62_ea04_449a_8237_4cd541dd8e5f", /* LithiumIonBattery */
    BATT "battery_b7fdab58_6e91_4c84_b097_b06eff86a124", /* CoinCell */
    BATT "battery_392b3f47_d62a_4bd4_a819_b58b09b8843a", /* PouchCell */
    ECHEM "electrochemistry_0f007072_a8dd_4798_b865_1bf9363be627", /* Electrode */
    ECHEM "electrochemistry_aff732a9_238a_4734_977c_b2ba202af126", /* PositiveElectrode */
    ECHEM "electrochemistry_c94c041b_8ea6_43e7_85cc_d2bce7785b4c", /* NegativeElectrode */
    ECHEM "electrochemistry_fb0d9eef_92af_4628_8814_e065ca255d59", /* Electrolyte */
    ECHEM "electrochemistry_331e6cca_f260_4bf8_af55_35304fe1bbe0", /* Separator */
    ECHEM "electrochemistry_ecf136cb_2584_4cb1_98b7_2d2b3d22e40d", /* SolidElectrolyteInterphase */
    ECHEM "electrochemistry_f8e0d532_cf44_403c_9188_e00ee161a3c1", /* CathodeElectrolyteInterphase */
    ECHEM "electrochemistry_79d1b273_58cd_4be6_a250_434817f7c261", /* ActiveMaterial */
    ECHEM "electrochemistry_68eb5e35_5bd8_47b1_9b7f_f67224fa291e", /* Binder */
    ECHEM "electrochemistry_82fef384_8eec_4765_b707_5397054df594", /* ConductiveAdditive */
    ECHEM "electrochemistry_212af058_3bbb_419f_a9c6_90ba9ebb3706", /* CurrentCollector */
    ECHEM "electrochemistry_d3e2d213_d078_4b9a_8beb_62f063e57d69", /* Cycling */
    ECHEM "electrochemistry_79a8802e_8296_459a_b65d_6e5c79e1bf37", /* GalvanostaticCycling */
    ECHEM "electrochemistry_791c1915_a791_4450_acd8_7f94764743b5", /* Capacity */
    ECHEM "electrochemistry_9c657fdc_b9d3_4964_907c_f9a6e8c5f52b", /* OpenCircuitVoltage */
    BATT "battery_17591da0_34ec_41b9_b3c1_3a4446dc6f0a", /* StateOfCharge */
    ECHEM "electrochemistry_a7a4614f_2426_46f3_8475_cda4a9fabfce", /* StateOfHealth */
    ECHEM "electrochemistry_9bf40017_3f58_4030_ada7_cb37a3dfda2d", /* InternalResistance */
    ECHEM "electrochemistry_1e3dc60d_dd6b_47d6_8161_70004fc5ee30", /* SpecificCapacity */
    ECHEM "electrochemistry_a5962e05_466d_46a4_8951_bea59d7326e5", /* CoulombicEfficiency */
    ECHEM "electrochemistry_ae782b14_88ce_4cdd_9418_12aca00be937", /* CycleLife */
    ECHEM "electrochemistry_25dabdc2_68bf_4a38_8cbe_11be017358bc", /* IonicConductivity */
    ECHEM "electrochemistry_a82e16c3_b766_482f_be94_b8e9af37f6fc", /* ElectrodeRealSurfaceArea */
    ECHEM "electrochemistry_d48ea516_5cac_4f86_bc88_21b6276c0938", /* ButlerVolmerEquation */
    ECHEM "electrochemistry_e2a1dae1_05e4_4bd1_a39d_0eb10db482bc", /* Electrolysis */
    ECHEM "electrochemistry_a9873d3d_945b_40ba_b9cd_8dfb64cec88f", /* Charging */
    ECHEM "electrochemistry_06d8e1ee_924a_4915_998d_33a69f41dadc", /* Discharging */
    ECHEM "electrochemistry_bf7bfbcb_0698_47af_8678_af92b2f10414", /* ChargingData */
    ECHEM "electrochemistry_09a7f560_9ddf_4c32_b067_b213eca5b0a1", /* Coating */
    MANUF "manufacturing_9e51796f_a99e_4b61_a14d_d5a38cb8219a", /* Mixing */
    MANUF "manufacturing_96bf8eb5_c325_42e7_a761_73f105fda1be", /* Drying */
    ECHEM "electrochemistry_ff7f5ab4_d0c0_4455_9bcc_3d80346e90ee", /* ElectrolyteFilling */
    ECHEM "electrochemistry_83d2c2d4_ffa9_42f4_9264_a0c59c657607", /* PolarityReversal */
    ECHEM "electrochemistry_cc519a19_b8d5_4e3f_b893_3a884888ad79", /* MaximumTemperature */
    ECHEM "electrochemistry_4aa1b96e_44a0_4b1a_a0ac_723d0223d80b", /* EnergyDensity */
    ECHEM "electrochemistry_639b844a_e801_436b_985d_28926129ead6", /* NominalVoltage */
    ECHEM "electrochemistry_9b3b4668_0795_4a35_9965_2af383497a26", /* RatedCapacity */
    BATT "battery_ef6a6244_fe3d_406e_8456_f72b45bb1fdf", /* SolidStateBattery */
    BATT "battery_42329a95_03fe_4ec1_83cb_b7e8ed52f68a", /* SodiumIonBattery */
    BATT "battery_ada13509_4eed_4e40_a7b1_4cc488144154", /* LithiumMetalBattery */
    ECHEM "electrochemistry_b6319c74_d2ce_48c0_a75a_63156776b302", /* Anode */
    ECHEM "electrochemistry_35c650ab_3b23_4938_b312_1b0dede2e6d5", /* Cathode */
    ECHEM "electrochemistry_6f2c88c9_5c04_4953_a298_032cc3ab9b77", /* ElectrochemicalCell */
    ECHEM "electrochemistry_a3b53904_22b1_42a9_a515_c8a3aed7e841", /* Electrocatalyst */
    ECHEM "electrochemistry_1cd1d777_e67b_47eb_81f1_edac35d9f2c6", /* Overpotential */
    ECHEM "electrochemistry_e9fd9ef9_adfe_46cb_b2f9_4558468a25e7", /* ExchangeCurrentDensity */
    ECHEM "electrochemistry_128ec7dc_04e3_48ff_86ac_f0f9896ad9cc", /* ParticleSize */
    ECHEM "electrochemistry_f0667139_6428_4e3d_ac0d_08c1dd7f36ea", /* StoichiometricCoefficient */
    BATT "battery_ac604ecd_cc60_4b98_b57c_74cd5d3ccd40", /* CylindricalBattery */
    ECHEM "electrochemistry_37b24a94_cae0_4d7a_9519_9f7692dec607", /* Diffusivity */
    ECHEM "electrochemistry_e1fd84eb_acdb_4b2c_b90c_e899d552a3ee", /* CRate */
};

/* A file format: the extension used in the DMP tables and its registered
 * media type (NULL when IANA has none: then dcterms:format "ext"). */
typedef struct {
    const char *ext;
    const char *media; /* relative to IANA */
} fmt;

enum {
    F_TARGZ, F_CSV, F_JSON, F_HDF5, F_TXT, F_DOC, F_XLSX, F_PPTX, F_PDF,
    F_PNG, F_TIFF, F_TTL, F_OWL, F_PY, F_IPYNB, F_YAML, F_MPT, F_PTH,
    F_TRAJ, F_XYZ, F_NONE = -1
};

static const fmt formats[] = {
    [F_TARGZ] = {".tar.gz", "application/gzip"},
    [F_CSV] = {".csv", "text/csv"},
    [F_JSON] = {".json", "application/json"},
    [F_HDF5] = {".h5", NULL},
    [F_TXT] = {".txt", "text/plain"},
    [F_DOC] = {".doc", "application/msword"},
    [F_XLSX] = {".xlsx", "application/vnd.openxmlformats-officedocument"
                         ".spreadsheetml.sheet"},
    [F_PPTX] = {".pptx", "application/vnd.openxmlformats-officedocument"
                         ".presentationml.presentation"},
    [F_PDF] = {".pdf", "application/pdf"},
    [F_PNG] = {".png", "image/png"},
    [F_TIFF] = {".tiff", "image/tiff"},
    [F_TTL] = {".ttl", "text/turtle"},
    [F_OWL] = {".owl", "application/rdf+xml"},
    [F_PY] = {".py", NULL},
    [F_IPYNB] = {".ipynb", NULL},
    [F_YAML] = {".yaml", "application/yaml"},
    [F_MPT] = {".mpt", NULL},
    [F_PTH] = {".pth", NULL},
    [F_TRAJ] = {".traj", NULL},
    [F_XYZ] = {".xyz", NULL},
};

enum { S_KB, S_MB, S_GB, S_TB };
static const char *const size_iris[] = {
    "<" DMP "SizeKB>", "<" DMP "SizeMB>", "<" DMP "SizeGB>", "<" DMP "SizeTB>",
};

/* One data type from a WP's "types and formats" table: a title stem, a
 * sentence for the description, up to 4 formats and a size range. */
typedef struct {
    const char *title;
    const char *what;
    int fmt[4];
    int size_lo, size_hi;
} datatype;

#define MAX_DT 8
#define MAX_KW 12
#define MAX_TO 10

typedef struct {
    int number; /* 2..11 */
    const char *name;
    datatype dt[MAX_DT];
    const char *kw[MAX_KW];     /* engines, techniques, tools */
    int to[MAX_TO];             /* WPs it delivers to, 0-terminated */
} wp_profile;

static const wp_profile wps[] = {
    {2, "WP2 (accelerated atomic-scale simulations)",
     {{"Electronic structure calculations",
       "Structures, energies, wave functions and electronic properties "
       "from DFT and wave-function theory",
       {F_TARGZ, F_HDF5, F_JSON, F_NONE}, S_MB, S_TB},
      {"Ab initio molecular dynamics trajectories",
       "AIMD trajectories with forces, stresses and derived transport "
       "properties", {F_TARGZ, F_HDF5, F_XYZ, F_NONE}, S_GB, S_TB},
      {"Machine-learned force field parameters",
       "SOAP/ACE descriptors and GAP regression parameters fitted to the "
       "reference calculations", {F_TARGZ, F_JSON, F_NONE}, S_MB, S_MB},
      {"Alchemical exploration of compound space",
       "Property relationships and compound space search results",
       {F_TARGZ, F_CSV, F_NONE}, S_MB, S_GB},
      {"Computed vibrational and absorption spectra",
       "Simulated spectra for the interpretation of characterisation data",
       {F_CSV, F_JSON, F_TARGZ, F_NONE}, S_KB, S_MB}},
     {"VASP", "CP2K", "GPAW", "Quantum ESPRESSO", "ORCA", "TURBOMOLE",
      "LAMMPS", "GROMACS", "QUIP", "GAP", "DFT", "AIMD"},
     {3, 4, 5, 6, 7, 8, 10, 11}},
    {3, "WP3 (multiscale modelling)",
     {{"Coarse-grained molecular dynamics of electrode mesostructure",
       "Trajectories and structures describing the mesostructure of "
       "composite electrodes", {F_TARGZ, F_NONE}, S_GB, S_GB},
      {"Continuum electrochemical simulations",
       "4D-resolved predictions of electrochemical observables and "
       "reaction and transport heterogeneities", {F_TARGZ, F_HDF5, F_NONE},
       S_GB, S_TB},
      {"P2D and population balance model outputs",
       "Lithium concentration profiles, SEI thickness distributions, "
       "voltage and capacity fade curves", {F_CSV, F_HDF5, F_NONE}, S_MB,
       S_GB},
      {"Kinetic Monte Carlo trajectories of SEI growth",
       "Ensembles of SEI structures and solution trajectories from kinetic "
       "Monte Carlo", {F_TARGZ, F_NONE}, S_GB, S_TB},
      {"Workflow provenance graphs",
       "Computational protocols and provenance for workflows and data "
       "access", {F_JSON, F_YAML, F_NONE}, S_KB, S_MB}},
     {"LAMMPS", "LIGGGHTS", "COMSOL Multiphysics", "AiiDA", "ASE", "CLEASE",
      "SimStack", "DFTB+", "kinetic Monte Carlo", "P2D model", "DEM",
      "multiscale"},
     {2, 4, 5, 6, 10, 11}},
    {4, "WP4 (modular synthesis robotics)",
     {{"Robotic run conditions",
       "Amounts, base materials, order of addition, mixing times and speeds "
       "of each robotic run", {F_CSV, F_JSON, F_NONE}, S_KB, S_MB},
      {"Standard operating procedure",
       "Parameters and materials required to run a suggested experiment",
       {F_DOC, F_PDF, F_NONE}, S_KB, S_KB},
      {"Electrolyte formulation screening",
       "Conductivity and electrochemical stability of salts, polymers and "
       "SEI additives", {F_CSV, F_MPT, F_NONE}, S_MB, S_GB},
      {"Materials request list",
       "Materials requested from the robot to perform an experiment",
       {F_CSV, F_NONE}, S_KB, S_KB}},
     {"robotic synthesis", "high-throughput", "electrolyte additive",
      "polymer electrolyte", "LiPF6", "LiTFSI", "potentiostatic amperometry",
      "galvanostatic potentiometry", "protective coating", "FINALES"},
     {2, 3, 5, 6, 10}},
    {5, "WP5 (characterisation)",
     {{"Operando X-ray diffraction",
       "Diffraction patterns recorded during cycling of a cell",
       {F_HDF5, F_TIFF, F_NONE}, S_GB, S_TB},
      {"X-ray absorption spectroscopy",
       "XANES and EXAFS spectra of electrode and interface species",
       {F_HDF5, F_TXT, F_NONE}, S_MB, S_GB},
      {"Synchrotron tomography",
       "3D reconstructions of electrode microstructure",
       {F_HDF5, F_TIFF, F_NONE}, S_TB, S_TB},
      {"X-ray photoelectron depth profiles",
       "Surface chemistry of the interphase as a function of depth",
       {F_CSV, F_TXT, F_NONE}, S_KB, S_MB},
      {"Solid-state NMR spectra",
       "Local environments of lithium and sodium in electrodes",
       {F_TXT, F_TARGZ, F_NONE}, S_MB, S_GB},
      {"Experimental logbook",
       "Sample description, technical set-up, measurement type and the "
       "location of the raw data", {F_DOC, F_NONE}, S_KB, S_KB}},
     {"XRD", "XAS", "XPS", "NMR", "Raman", "cryo-TEM", "neutron diffraction",
      "operando", "synchrotron", "SEI", "CEI", "tomography"},
     {2, 3, 6, 9, 10, 11}},
    {6, "WP6 (high-throughput synthesis and testing)",
     {{"Galvanostatic cycling data",
       "Charge and discharge curves, capacity and coulombic efficiency per "
       "cycle", {F_CSV, F_MPT, F_HDF5, F_NONE}, S_MB, S_GB},
      {"Electrochemical impedance spectra",
       "Impedance spectra recorded at several states of charge",
       {F_CSV, F_MPT, F_NONE}, S_KB, S_MB},
      {"Rate capability test",
       "Discharge capacity at C-rates from C/10 to 5C",
       {F_CSV, F_NONE}, S_KB, S_MB},
      {"Cyclic voltammetry",
       "Voltammograms at several scan rates", {F_CSV, F_MPT, F_NONE}, S_KB,
       S_MB},
      {"Coin cell assembly log",
       "Electrode loadings, electrolyte volume and assembly conditions",
       {F_XLSX, F_CSV, F_NONE}, S_KB, S_KB}},
     {"coin cell", "pouch cell", "NMC811", "LFP", "graphite", "silicon anode",
      "EIS", "cyclic voltammetry", "capacity fade", "cycling",
      "high-throughput", "C-rate"},
     {2, 3, 4, 8, 9, 10}},
    {7, "WP7 (battery interface ontology)",
     {{"Battery object descriptions",
       "Model, description, parts, properties and observation procedure of "
       "battery objects", {F_XLSX, F_NONE}, S_KB, S_MB},
      {"Battery process diagrams",
       "Process flow diagrams mapping the causality of the main processes",
       {F_PPTX, F_PDF, F_NONE}, S_MB, S_MB},
      {"Ontology module",
       "A release of a BattINFO ontology module", {F_TTL, F_OWL, F_NONE},
       S_MB, S_MB},
      {"Ontology use case study",
       "A use case showing how the ontology supports an activity",
       {F_PDF, F_TTL, F_NONE}, S_MB, S_MB}},
     {"BattINFO", "EMMO", "ontology", "OWL", "taxonomy", "semantic web",
      "interoperability", "FAIR"},
     {2, 3, 4, 5, 6, 8, 9, 10, 11}},
    {8, "WP8 (standardisation and protocols)",
     {{"Minimum metadata list",
       "Metadata that must be recorded when acquiring data",
       {F_TXT, F_CSV, F_NONE}, S_KB, S_MB},
      {"Testing protocol",
       "Galvanostatic steps and constant potential holds forming a testing "
       "protocol", {F_TXT, F_JSON, F_NONE}, S_KB, S_KB},
      {"Full cell performance data",
       "Round-robin full cell performance for protocol validation",
       {F_CSV, F_TXT, F_NONE}, S_GB, S_GB}},
     {"protocol", "metadata", "standardisation", "round robin", "full cell",
      "reporting"},
     {2, 3, 4, 5, 6, 9}},
    {9, "WP9 (infrastructure and interoperability)",
     {{"Workflow algorithm",
       "Code controlling input and output, errors and queueing of "
       "simulations and experiments", {F_PY, F_YAML, F_JSON, F_NONE}, S_KB,
       S_MB},
      {"Workflow description",
       "A human-readable description of the logic of a workflow",
       {F_PDF, F_PNG, F_NONE}, S_KB, S_MB},
      {"Jupyter application",
       "A graphical user interface rendered as an interactive notebook",
       {F_IPYNB, F_PY, F_NONE}, S_KB, S_MB},
      {"Infrastructure configuration",
       "Configuration scripts to serve applications and host databases",
       {F_YAML, F_JSON, F_TARGZ, F_NONE}, S_MB, S_GB}},
     {"Jupyter", "Kubernetes", "Docker", "workflow", "REST API", "AiiDAlab",
      "data infrastructure", "automation"},
     {2, 3, 4, 5, 6, 7, 8, 10, 11}},
    {10, "WP10 (AI-accelerated materials discovery)",
     {{"Active learning suggestions",
       "Suggested next experiments or simulations to run",
       {F_JSON, F_CSV, F_NONE}, S_KB, S_MB},
      {"Materials funnel data",
       "Materials, processes, results and thresholding rules of the "
       "materials funnel", {F_CSV, F_HDF5, F_NONE}, S_MB, S_GB},
      {"Trained surrogate model",
       "Weights and hyper-parameters of a surrogate model",
       {F_PTH, F_JSON, F_NONE}, S_MB, S_GB}},
     {"active learning", "Bayesian optimisation", "machine learning",
      "materials funnel", "descriptor", "surrogate model", "autonomous"},
     {2, 3, 4, 5, 6, 9, 11}},
    {11, "WP11 (battery interface genome)",
     {{"Curated interface structures",
       "Interface structure data at multiple length scales",
       {F_HDF5, F_JSON, F_NONE}, S_GB, S_TB},
      {"BIG model weights",
       "Trained generative models for inverse design of interfaces",
       {F_PTH, F_NONE}, S_MB, S_GB},
      {"Inverse-designed interfaces",
       "Atomic structures and voxel-based mesostructures of candidate "
       "interfaces", {F_TRAJ, F_HDF5, F_NONE}, S_MB, S_GB}},
     {"deep learning", "generative model", "inverse design", "PyTorch",
      "interface genome", "spatio-temporal"},
     {2, 3, 5, 10}},
};

static const char *const materials[] = {
    "NMC811", "NMC622", "NMC111", "LFP", "LNMO", "LCO", "LiNiO2", "graphite",
    "silicon-graphite", "lithium metal", "hard carbon", "Na3V2(PO4)3",
    "LiPF6 in EC:EMC", "LiTFSI in DOL:DME", "Li6PS5Cl", "LLZO", "PEO-LiTFSI",
    "Li4Ti5O12", "NaNi1/3Fe1/3Mn1/3O2", "LiMn2O4",
};

static const char *const conditions[] = {
    "at 25 °C", "at 45 °C", "at -10 °C", "at C/10", "at 1C", "after formation",
    "after 500 cycles", "in a coin cell", "in a pouch cell", "operando",
    "pristine", "calendar-aged",
};

static const char *const purposes[] = {
    "model refinement and validation", "ontology design",
    "training of the BIG models", "guiding the characterisation effort",
    "design of simulated experiments", "cross-analysis with operando data",
    "active learning loops", "benchmarking of force fields",
    "reporting and sharing of results", "protocol validation",
};

static const char *const remarks[] = {
    "Inputs and outputs are archived together.",
    "Metadata follow the BIG-MAP minimum metadata list.",
    "Access is restricted to consortium partners until publication.",
    "Analysis scripts are included.",
    "Units follow EMMO.",
    "Raw data are kept at the producing site; this record points to them.",
    "", "", "",
};

/* A second title in another language: "<lang> <word> MATERIAL (WPn, <run>
 * NNNN)".  Exercises language tags and non-ASCII UTF-8. */
static const struct {
    const char *lang, *dataset, *run;
} translations[] = {
    {"de", "Datensatz", "Lauf"},     {"fr", "Jeu de données", "essai"},
    {"it", "Insieme di dati", "prova"}, {"da", "Datasæt", "kørsel"},
    {"sv", "Datamängd", "körning"},  {"es", "Conjunto de datos", "ensayo"},
};

static const char *const licenses[] = {
    "<https://creativecommons.org/licenses/by/4.0/>",
    "<https://creativecommons.org/licenses/by/4.0/>",
    "<https://creativecommons.org/licenses/by/4.0/>",
    "<https://creativecommons.org/publicdomain/zero/1.0/>",
    "<https://creativecommons.org/licenses/by-sa/4.0/>",
    "<" DMP "ConsortiumOnly>",
};

#define N_PEOPLE 1500
/* BIG-MAP ran from September 2020 to August 2024: days since 1970-01-01. */
#define DAY_FIRST 18506 /* 2020-09-01 */
#define DAY_SPAN 1461

/* ---- PRNG (splitmix64) ----------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state += 0x9e3779b97f4a7c15ULL;
    return mix64(rng_state);
}

/// Uniform integer in [0, n).
static uint32_t below(uint32_t n)
{
    return (uint32_t)(((rnd() & 0xffffffffULL) * n) >> 32);
}

/// Integer in [0, n), skewed towards 0 (a few people create most records).
static uint32_t skewed(uint32_t n)
{
    double u = (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
    return (uint32_t)(u * u * n);
}

#define PICK(a) ((a)[below((uint32_t)NELEM(a))])

/* ---- output buffer --------------------------------------------------- */

#define OUT_CAP (1u << 20)
#define OUT_SLACK 8192 /* one record never exceeds this */

static char out[OUT_CAP];
static size_t out_len;

static void flush_out(void)
{
    if (out_len && fwrite(out, 1, out_len, stdout) != out_len) {
        fprintf(stderr, "gen_datasets: write failed: %s\n", strerror(errno));
        exit(1);
    }
    out_len = 0;
}

static void put(const char *s, size_t n)
{
    memcpy(out + out_len, s, n);
    out_len += n;
}

#define PUTS(lit) put((lit), sizeof(lit) - 1)

static void put_str(const char *s) { put(s, strlen(s)); }

/// Decimal, zero-padded to at least width digits.
static void put_uint(uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width) tmp[n++] = '0';
    while (n) out[out_len++] = tmp[--n];
}

static void put_hex(uint64_t v)
{
    static const char digits[] = "0123456789abcdef";
    for (int shift = 60; shift >= 0; shift -= 4)
        out[out_len++] = digits[(v >> shift) & 15];
}

/// Literal text, escaped for N-Triples (the word lists need none, but a
/// generator that cannot emit invalid output is worth one loop).
static void put_escaped(const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') out[out_len++] = '\\';
        out[out_len++] = *s;
    }
}

/// Civil date from a day count since 1970-01-01 (shift to a March-based
/// year so that the leap day falls last; 400-year eras of 146097 days).
static void civil(long days, long *y, long *m, long *d)
{
    long z = days + 719468;
    long era = z / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/// "YYYY-MM-DD"^^xsd:date
static void put_date(long days)
{
    long y, m, d;
    civil(days, &y, &m, &d);
    out[out_len++] = '"';
    put_uint((uint64_t)y, 4);
    out[out_len++] = '-';
    put_uint((uint64_t)m, 2);
    out[out_len++] = '-';
    put_uint((uint64_t)d, 2);
    PUTS("\"" DATE_TYPE);
}

static void put_wp(int n)
{
    PUTS("<" DMP "WP");
    put_uint((uint64_t)n, 1);
    out[out_len++] = '>';
}

/* ---- one record ------------------------------------------------------ */

/* The current subject lives in the output buffer, at subj_off, where the
 * record's first triple wrote it; flushes happen only between records. */
static size_t subj_off, subj_len;

/// Starts a triple: subject and predicate (predicate carries its spaces).
static void start(const char *pred, size_t n)
{
    memcpy(out + out_len, out + subj_off, subj_len);
    out_len += subj_len;
    put(pred, n);
}

#define START(p) start((p), sizeof(p) - 1)
#define END() PUTS(" .\n")

static int count_to(const wp_profile *wp)
{
    int n = 0;
    while (n < MAX_TO && wp->to[n]) n++;
    return n;
}

static int count_dt(const wp_profile *wp)
{
    int n = 0;
    while (n < MAX_DT && wp->dt[n].title) n++;
    return n;
}

static int count_kw(const wp_profile *wp)
{
    int n = 0;
    while (n < MAX_KW && wp->kw[n]) n++;
    return n;
}

static int count_fmt(const datatype *dt)
{
    int n = 0;
    while (n < 4 && dt->fmt[n] != F_NONE) n++;
    return n;
}

/// Writes one dataset record; returns the number of triples written.
static unsigned emit_dataset(uint64_t index, uint64_t seed)
{
    const wp_profile *wp = &wps[below((uint32_t)NELEM(wps))];
    const datatype *dt = &wp->dt[below((uint32_t)count_dt(wp))];
    const char *material = PICK(materials);
    long issued = DAY_FIRST + (long)below(DAY_SPAN);
    uint32_t run = below(10000);
    unsigned triples = 0;

    /* Subject: WP and year in the path, then a 64-bit id that is a
     * bijection of the record index, so subjects never collide.  It is
     * written once into the buffer and copied from there for each triple. */
    subj_off = out_len;
    PUTS("<" DATA "dataset/wp");
    put_uint((uint64_t)wp->number, 1);
    out[out_len++] = '/';
    long year, month, day;
    civil(issued, &year, &month, &day);
    put_uint((uint64_t)year, 4);
    out[out_len++] = '/';
    put_hex(mix64(index ^ mix64(seed)));
    out[out_len++] = '>';
    subj_len = out_len - subj_off;

    PUTS(P_TYPE O_DATASET);
    END();

    START(P_TITLE);
    out[out_len++] = '"';
    put_escaped(dt->title);
    PUTS(" for ");
    put_escaped(material);
    out[out_len++] = ' ';
    put_escaped(PICK(conditions));
    PUTS(", run ");
    put_uint(run, 4);
    if (below(10) < 7) PUTS("\"@en");
    else out[out_len++] = '"';
    END();
    triples += 2;

    if (below(6) == 0) {
        uint32_t t = below((uint32_t)NELEM(translations));
        START(P_TITLE);
        out[out_len++] = '"';
        put_str(translations[t].dataset);
        out[out_len++] = ' ';
        put_escaped(material);
        PUTS(" (WP");
        put_uint((uint64_t)wp->number, 1);
        PUTS(", ");
        put_str(translations[t].run);
        out[out_len++] = ' ';
        put_uint(run, 4);
        PUTS(")\"@");
        put_str(translations[t].lang);
        END();
        triples++;
    }

    int to = wp->to[below((uint32_t)count_to(wp))];
    START(P_DESC);
    out[out_len++] = '"';
    put_escaped(dt->what);
    PUTS(" for ");
    put_escaped(material);
    PUTS(", produced in ");
    put_str(wp->name);
    PUTS(" and delivered to WP");
    put_uint((uint64_t)to, 1);
    PUTS(" for ");
    put_str(PICK(purposes));
    out[out_len++] = '.';
    const char *remark = PICK(remarks);
    if (*remark) {
        out[out_len++] = ' ';
        put_escaped(remark);
    }
    PUTS("\"@en");
    END();
    triples++;

    /* 1-3 distinct keywords: 40% one, 40% two, 20% three. */
    uint32_t nkw = (uint32_t)count_kw(wp), r = below(5);
    uint32_t k0 = below(nkw), want = r < 2 ? 1 : r < 4 ? 2 : 3;
    for (uint32_t i = 0; i < want && i < nkw; i++) {
        START(P_KEYWORD);
        out[out_len++] = '"';
        put_escaped(wp->kw[(k0 + i) % nkw]);
        out[out_len++] = '"';
        END();
        triples++;
    }

    START(P_CREATOR);
    PUTS("<" DATA "person/p");
    put_uint(skewed(N_PEOPLE), 4);
    out[out_len++] = '>';
    END();

    START(P_ISSUED);
    put_date(issued);
    END();
    triples += 2;
    if (below(2)) {
        START(P_MODIFIED);
        put_date(issued + 1 + (long)below(365));
        END();
        triples++;
    }

    START(P_LICENSE);
    put_str(PICK(licenses));
    END();

    START(P_PRODUCED);
    put_wp(wp->number);
    END();

    START(P_DELIVERED);
    put_wp(to);
    END();
    triples += 3;

    const fmt *f = &formats[dt->fmt[below((uint32_t)count_fmt(dt))]];
    if (f->media) {
        START(P_MEDIATYPE);
        PUTS("<" IANA);
        put_str(f->media);
        out[out_len++] = '>';
    } else {
        START(P_FORMAT);
        out[out_len++] = '"';
        put_str(f->ext);
        out[out_len++] = '"';
    }
    END();

    START(P_SIZE);
    put_str(size_iris[dt->size_lo +
                      (int)below((uint32_t)(dt->size_hi - dt->size_lo + 1))]);
    END();

    START(P_THEME);
    out[out_len++] = '<';
    put_str(battinfo_classes[skewed((uint32_t)NELEM(battinfo_classes))]);
    out[out_len++] = '>';
    END();
    triples += 3;
    return triples;
}

/* ---- main ------------------------------------------------------------ */

static int parse_count(const char *s, uint64_t *out_n)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s) return -1;
    uint64_t mul = 1;
    if (*end == 'k' || *end == 'K') mul = 1000, end++;
    else if (*end == 'm' || *end == 'M') mul = 1000000, end++;
    else if (*end == 'g' || *end == 'G') mul = 1000000000, end++;
    if (*end) return -1;
    *out_n = (uint64_t)v * mul;
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t want, seed = 1;
    if (argc < 2 || argc > 3 || parse_count(argv[1], &want) != 0 ||
        (argc == 3 && parse_count(argv[2], &seed) != 0)) {
        fprintf(stderr, "usage: %s N_TRIPLES[k|M|G] [SEED] > file.nt\n",
                argv[0]);
        return 2;
    }
    rng_state = mix64(seed ^ 0x6261747473746f72ULL); /* "battstor" */

    uint64_t triples = 0, records = 0;
    while (triples < want) {
        triples += emit_dataset(records++, seed);
        if (out_len > OUT_CAP - OUT_SLACK) flush_out();
    }
    flush_out();
    if (fflush(stdout) != 0) {
        fprintf(stderr, "gen_datasets: write failed: %s\n", strerror(errno));
        return 1;
    }
    fprintf(stderr, "gen_datasets: %llu datasets, %llu triples (seed %llu)\n",
            (unsigned long long)records, (unsigned long long)triples,
            (unsigned long long)seed);
    return 0;
}
