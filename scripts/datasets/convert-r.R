#!/usr/bin/env Rscript
# Converts real datasets that ship inside Debian's R packages into data/datasets/<id>.csv.gz plus a
# notes file data/datasets/<id>.md (source package and version, licence, shape, target, every
# preprocessing step). Run from the repository root:
#
#   apt-get install -y r-base-core r-cran-mlbench r-cran-kernlab r-cran-modeldata
#   Rscript scripts/datasets/convert-r.R            # all datasets
#   Rscript scripts/datasets/convert-r.R sonar spam # some of them
#
# The corpus build and the tests never need R: they read the committed CSVs. This script only
# re-creates them. It refuses a missing package or another version than the one the committed
# files were made from (set METATUNE_ALLOW_OTHER_VERSION=1 to convert anyway; the notes then record
# the version actually used, and the tests will flag a changed shape or hash).
#
# Conventions of the written CSV: a header line; numbers as R writes them (15 significant digits);
# missing cells empty; categorical columns as text (levels that look like numbers get a prefix so
# the loader sees text: "m1" for month 1), one-hot encoded at load time by metatune's loader
# (task file "categorical": "onehot"; a missing text cell encodes as all zeros). gzip -n -9, so the
# bytes depend only on the data.

EXPECTED <- list(mlbench = "2.1.3", kernlab = "0.9.32", modeldata = "1.1.0")
DEBIAN <- list(mlbench = "r-cran-mlbench (2.1-3-1)", kernlab = "r-cran-kernlab (0.9-32-1)", modeldata = "r-cran-modeldata (1.1.0-1)")
LICENCE <- list(
  mlbench = "Data from the UCI Machine Learning Repository as collected in the R package mlbench (GPL-2); cite the original donors (see the notes)",
  kernlab = "Data from the UCI Machine Learning Repository (Hopkins, Reeber, Forman, Suermondt 1999) as shipped in the R package kernlab (GPL-2)",
  modeldata = "R package modeldata (MIT, (c) 2019 Max Kuhn, RStudio); original sources in the notes"
)

need <- function(pkg) {
  if (!requireNamespace(pkg, quietly = TRUE)) {
    stop(sprintf("R package '%s' is not installed. Fix: apt-get install -y r-cran-%s (Debian %s was used for the committed files).", pkg, pkg, DEBIAN[[pkg]]), call. = FALSE)
  }
  v <- as.character(packageVersion(pkg))
  want <- EXPECTED[[pkg]]
  if (v != want && Sys.getenv("METATUNE_ALLOW_OTHER_VERSION") != "1") {
    stop(sprintf("R package '%s' is version %s; the committed files were made from %s (Debian %s). Fix: apt-get install -y r-cran-%s=%s, or set METATUNE_ALLOW_OTHER_VERSION=1 to convert anyway.",
                 pkg, v, want, DEBIAN[[pkg]], pkg, sub("^r-cran-[a-z]+ \\((.*)\\)$", "\\1", DEBIAN[[pkg]])), call. = FALSE)
  }
  v
}

load_data <- function(pkg, name) {
  need(pkg)
  e <- new.env()
  utils::data(list = name, package = pkg, envir = e)
  get(name, envir = e)
}

as_text_factor <- function(x, prefix = "") {
  x <- as.character(x)
  ifelse(is.na(x), NA, paste0(prefix, x))
}

factor_to_number <- function(x) as.numeric(as.character(x))

write_dataset <- function(id, d, pkg, rname, target, steps, description, task) {
  dir <- file.path("data", "datasets")
  csv <- file.path(dir, paste0(id, ".csv"))
  utils::write.csv(d, csv, row.names = FALSE, na = "")
  gz <- paste0(csv, ".gz")
  if (file.exists(gz)) file.remove(gz)
  status <- system2("gzip", c("-n", "-9", csv))
  if (status != 0) stop("gzip failed for ", csv)
  y <- d[[target]]
  features <- setdiff(names(d), target)
  is_cat <- vapply(d[features], function(c) is.character(c) || is.factor(c), logical(1))
  lines <- c(
    sprintf("# %s", id),
    "",
    description,
    "",
    sprintf("- **Source**: R package `%s` %s, dataset `%s` (Debian %s).", pkg, as.character(packageVersion(pkg)), rname, DEBIAN[[pkg]]),
    sprintf("- **Licence**: %s.", LICENCE[[pkg]]),
    sprintf("- **File**: `%s.csv.gz`, %d rows x %d columns (header line; %d features + target `%s`).", id, nrow(d), ncol(d), length(features), target),
    sprintf("- **Features**: %d numeric, %d categorical (text; one-hot at load time)%s.", sum(!is_cat), sum(is_cat),
            if (any(is_cat)) paste0(": ", paste(sprintf("`%s` (%d levels)", features[is_cat], vapply(d[features[is_cat]], function(c) length(unique(na.omit(c))), integer(1))), collapse = ", ")) else ""),
    sprintf("- **Missing cells** (empty in the CSV): %d%s.", sum(is.na(d)), if (sum(is.na(d)) > 0) "; numeric ones are imputed with the training mean at load time, text ones one-hot encode as all zeros" else "")
  )
  if (is.numeric(y)) {
    lines <- c(lines, sprintf("- **Target** `%s` (regression): min %g, median %g, mean %g, max %g.", target, min(y, na.rm = TRUE), stats::median(y, na.rm = TRUE), mean(y, na.rm = TRUE), max(y, na.rm = TRUE)))
  } else {
    tab <- sort(table(y), decreasing = TRUE)
    lines <- c(lines, sprintf("- **Target** `%s` (%d classes; smallest %.1f %%): %s.", target, length(tab), 100 * min(tab) / sum(tab), paste(sprintf("%s %d", names(tab), as.integer(tab)), collapse = ", ")))
  }
  lines <- c(lines, "", "## Preprocessing (this script, `scripts/datasets/convert-r.R`)", "", paste0("- ", steps), "",
             paste0("## At load time (task file `data/tasks/", id, ".json`)"), "", paste0("- ", task), "")
  writeLines(lines, file.path(dir, paste0(id, ".md")))
  cat(sprintf("%-16s %6d rows %4d columns -> %s\n", id, nrow(d), ncol(d), gz))
}

LOADER <- "the standard load path: rows with a missing target dropped, constant columns dropped, seeded 80/20 split (stratified for classification), missing numbers imputed with the training mean, text columns one-hot, features standardised with training mean/std (a regression target too)"

converters <- list(
  sonar = function() {
    d <- load_data("mlbench", "Sonar")
    write_dataset("sonar", d, "mlbench", "Sonar", "Class", c("none: 60 numeric features V1..V60 and the class (M = mine, R = rock) written as shipped"),
      "Sonar returns from a metal cylinder (mine) or a rock, 60 band energies (Gorman & Sejnowski 1988; UCI 'Connectionist Bench (Sonar, Mines vs. Rocks)').",
      c(LOADER))
  },
  ionosphere = function() {
    d <- load_data("mlbench", "Ionosphere")
    d$V1 <- factor_to_number(d$V1)
    d$V2 <- factor_to_number(d$V2)
    write_dataset("ionosphere", d, "mlbench", "Ionosphere", "Class", c("V1 and V2 are stored as factors with levels 0/1: written as the numbers 0/1 (V2 is constant 0 and is dropped at load time)", "everything else as shipped"),
      "Radar returns from the ionosphere, good or bad (Sigillito et al. 1989; UCI 'Ionosphere'), 34 attributes.",
      c(LOADER, "V2 (constant) is dropped: 33 input columns"))
  },
  glass = function() {
    d <- load_data("mlbench", "Glass")
    d$Type <- as_text_factor(d$Type, "type")
    write_dataset("glass", d, "mlbench", "Glass", "Type", c("class labels 1, 2, 3, 5, 6, 7 written as text type1 ... type7 (type 4 has no rows)"),
      "Glass identification from oxide content and refractive index (German 1987; UCI 'Glass Identification'). Six classes, the smallest (type6, tableware) 4.2 % of the rows: an imbalanced multi-class task.",
      c(LOADER))
  },
  vehicle = function() {
    d <- load_data("mlbench", "Vehicle")
    write_dataset("vehicle", d, "mlbench", "Vehicle", "Class", c("none: 18 numeric shape features and the class written as shipped"),
      "Vehicle silhouettes (Siebert 1987, Turing Institute; UCI 'Statlog (Vehicle Silhouettes)'): bus, opel, saab, van from 18 shape features.",
      c(LOADER))
  },
  vowel = function() {
    d <- load_data("mlbench", "Vowel")
    d$V1 <- as_text_factor(d$V1, "speaker")
    write_dataset("vowel", d, "mlbench", "Vowel", "Class", c("V1 (the speaker index 0..14, a factor in mlbench) written as text speaker0..speaker14 (one-hot at load time)", "V2..V10 (the 9 numeric log-area-ratio values mlbench ships; its documentation says 10 inputs, one nominal) and Class as shipped"),
      "Deterding's vowel recognition data (UCI 'Connectionist Bench (Vowel Recognition)'): 11 steady-state British English vowels from 15 speakers, 90 utterances per vowel.",
      c(LOADER, "V1 one-hot: 15 speaker columns + 9 numeric = 24 input columns"))
  },
  satellite = function() {
    d <- load_data("mlbench", "Satellite")
    write_dataset("satellite", d, "mlbench", "Satellite", "classes", c("none: 36 numeric multi-spectral values (3x3 pixel neighbourhood x 4 bands) and the soil class written as shipped (6,435 rows, train and test files of UCI together)"),
      "Landsat multi-spectral scanner image data (Srinivasan, UCI 'Statlog (Landsat Satellite)'): 6 soil/vegetation classes.",
      c("subsample: a fixed stratified sample of 1,000 of the 6,435 rows (seed 0), so one run stays small", LOADER))
  },
  letter = function() {
    d <- load_data("mlbench", "LetterRecognition")
    d <- d[, c(setdiff(names(d), "lettr"), "lettr")]
    write_dataset("letter", d, "mlbench", "LetterRecognition", "lettr", c("target column lettr moved last; 16 integer features written as shipped (20,000 rows)"),
      "Letter recognition (Frey & Slate 1991; UCI 'Letter Recognition'): 26 capital letters from 16 integer statistics of distorted character images.",
      c("subsample: a fixed stratified sample of 1,300 of the 20,000 rows (seed 0, ~50 per letter), so one run stays small", LOADER))
  },
  pima = function() {
    d <- load_data("mlbench", "PimaIndiansDiabetes2")
    write_dataset("pima", d, "mlbench", "PimaIndiansDiabetes2", "diabetes", c("the corrected version PimaIndiansDiabetes2: physically impossible zeros of glucose, pressure, triceps, insulin and mass are missing values (NA), written as empty cells"),
      "Pima Indians diabetes (National Institute of Diabetes and Digestive and Kidney Diseases; UCI): onset of diabetes within five years from 8 clinical measurements of 768 women.",
      c(LOADER, "652 missing cells (mostly insulin and triceps) imputed with the training mean"))
  },
  soybean = function() {
    d <- load_data("mlbench", "Soybean")
    d <- d[, c(setdiff(names(d), "Class"), "Class")]
    for (n in setdiff(names(d), "Class")) d[[n]] <- as_text_factor(d[[n]], "L")
    write_dataset("soybean", d, "mlbench", "Soybean", "Class", c("all 35 attributes are (ordered) factors with numeric level codes: written as text L0, L1, ... so they are one-hot encoded", "missing values (2,337 cells) written as empty cells", "target Class moved last"),
      "Soybean disease diagnosis (Michalski & Chilausky 1980; UCI 'Soybean (Large)'): 19 diseases from 35 categorical plant and weather attributes. The smallest class (herbicide-injury, 8 rows) is 1.2 %: imbalanced and many-class.",
      c(LOADER, "every attribute one-hot encoded (a missing cell: all zeros)"))
  },
  house_votes_84 = function() {
    d <- load_data("mlbench", "HouseVotes84")
    d <- d[, c(setdiff(names(d), "Class"), "Class")]
    for (n in setdiff(names(d), "Class")) d[[n]] <- as_text_factor(d[[n]])
    write_dataset("house_votes_84", d, "mlbench", "HouseVotes84", "Class", c("16 votes (y / n, NA = did not vote) written as text; NA as an empty cell", "target Class moved last"),
      "1984 United States Congressional Voting Records (Schlimmer 1987; UCI): party (democrat / republican) from 16 key votes.",
      c(LOADER, "every vote one-hot encoded (y, n; a missing vote: all zeros)"))
  },
  dna = function() {
    d <- load_data("mlbench", "DNA")
    for (n in setdiff(names(d), "Class")) d[[n]] <- factor_to_number(d[[n]])
    write_dataset("dna", d, "mlbench", "DNA", "Class", c("180 indicator attributes (factors 0/1; 60 nucleotide positions x 3 binary indicators) written as the numbers 0/1"),
      "Primate splice-junction gene sequences (StatLog version, UCI 'Molecular Biology (Splice-junction Gene Sequences)'): exon/intron (ei), intron/exon (ie) boundary or neither (n).",
      c("subsample: a fixed stratified sample of 1,000 of the 3,186 rows (seed 0), so one run stays small", LOADER))
  },
  spam = function() {
    d <- load_data("kernlab", "spam")
    write_dataset("spam", d, "kernlab", "spam", "type", c("none: 57 numeric features (word / character frequencies, capital-run lengths) and type (spam / nonspam) written as shipped"),
      "Spambase (Hopkins, Reeber, Forman & Suermondt 1999, Hewlett-Packard Labs; UCI): spam or not from 57 frequencies of 4,601 e-mails. The capital-run features are heavy-tailed (max 15,841).",
      c("subsample: a fixed stratified sample of 1,000 of the 4,601 rows (seed 0), so one run stays small", LOADER))
  },
  servo = function() {
    d <- load_data("mlbench", "Servo")
    d$Motor <- as_text_factor(d$Motor)
    d$Screw <- as_text_factor(d$Screw)
    d$Pgain <- factor_to_number(d$Pgain)
    d$Vgain <- factor_to_number(d$Vgain)
    write_dataset("servo", d, "mlbench", "Servo", "Class", c("Motor and Screw (levels A..E) written as text (one-hot at load time)", "Pgain (3..6) and Vgain (1..5) are integer gain settings stored as factors: written as numbers (as in the UCI file)", "target Class (rise time) as shipped"),
      "Servo rise time (Quinlan 1993; UCI 'Servo'): a regression from motor, screw and two gain settings of a servomechanism simulation.",
      c(LOADER))
  },
  ozone = function() {
    d <- load_data("mlbench", "Ozone")
    d$V1 <- as_text_factor(d$V1, "month")
    d$V2 <- factor_to_number(d$V2)
    d$V3 <- as_text_factor(d$V3, "weekday")
    d <- d[, c(setdiff(names(d), "V4"), "V4")]
    write_dataset("ozone", d, "mlbench", "Ozone", "V4", c("V1 (month) and V3 (day of week) written as text month1..month12 / weekday1..weekday7 (one-hot at load time)", "V2 (day of month) written as a number", "target V4 (daily maximum one-hour-average ozone) moved last; 5 rows have no target", "missing values (203 cells) written as empty cells"),
      "Los Angeles ozone pollution, 1976 (Breiman & Friedman 1985): daily maximum ozone from 9 meteorological measurements and the date.",
      c(LOADER, "the 5 rows without a target are dropped: 361 rows"))
  },
  concrete = function() {
    d <- as.data.frame(load_data("modeldata", "concrete"))
    write_dataset("concrete", d, "modeldata", "concrete", "compressive_strength", c("none: 8 numeric mixture components / age and compressive_strength written as shipped"),
      "Concrete compressive strength (Yeh 1998; UCI 'Concrete Compressive Strength') as shipped in modeldata: a regression from mixture amounts (kg/m3) and age (days).",
      c(LOADER))
  },
  ames = function() {
    d <- as.data.frame(load_data("modeldata", "ames"))
    for (n in names(d)) if (is.factor(d[[n]])) d[[n]] <- as_text_factor(d[[n]])
    d <- d[, c(setdiff(names(d), "Sale_Price"), "Sale_Price")]
    write_dataset("ames", d, "modeldata", "ames", "Sale_Price", c("40 factors written as text (one-hot at load time)", "target Sale_Price (US dollars) moved last"),
      "Ames, Iowa house sales 2006-2010 (De Cock 2011, Journal of Statistics Education) in modeldata's cleaned form: sale price from 73 descriptors.",
      c("subsample: a fixed sample of 1,000 of the 2,930 rows (seed 0), so one run stays small", "target transform: log(Sale_Price)", LOADER))
  },
  meats = function() {
    d <- as.data.frame(load_data("modeldata", "meats"))
    d$fat <- NULL
    d$protein <- NULL
    write_dataset("meats", d, "modeldata", "meats", "water", c("kept the 100 near-infrared absorbance channels x_001..x_100 and the target water; dropped the other two responses fat and protein (water + fat + protein is nearly constant, so either would leak the target)"),
      "Tecator meat samples (Borggaard & Thodberg 1992; StatLib 'tecator') as shipped in modeldata: water content (%) of 215 finely chopped meat samples from a 100-channel NIR absorbance spectrum. Wide and strongly correlated.",
      c(LOADER))
  },
  lending_club = function() {
    d <- as.data.frame(load_data("modeldata", "lending_club"))
    for (n in names(d)) if (is.factor(d[[n]])) d[[n]] <- as_text_factor(d[[n]])
    write_dataset("lending_club", d, "modeldata", "lending_club", "Class", c("5 factors (term, sub_grade, addr_state, verification_status, emp_length) written as text (one-hot at load time)", "everything else as shipped"),
      "Lending Club loans (first quarter of 2016, as prepared in modeldata): whether a loan went bad. 517 of 9,857 loans (5.2 %) are bad: an imbalanced binary task.",
      c("subsample: a fixed stratified sample of 1,500 of the 9,857 rows (seed 0), so one run stays small (keeps ~78 bad loans)", LOADER))
  }
)

args <- commandArgs(trailingOnly = TRUE)
if (!file.exists(file.path("data", "datasets"))) stop("Run from the repository root (data/datasets not found). Fix: cd to the metatune checkout first.", call. = FALSE)
ids <- if (length(args) > 0) args else names(converters)
unknown <- setdiff(ids, names(converters))
if (length(unknown) > 0) stop(sprintf("Unknown dataset(s): %s. Known: %s.", paste(unknown, collapse = ", "), paste(names(converters), collapse = ", ")), call. = FALSE)
for (id in ids) converters[[id]]()
