# Exports the bundled datasets from R's `survival` package to stdlib/data/
# and writes the reference fixture Tests/Fixtures/datasets/bundled.json.
#
#   Rscript scripts/export_datasets.R        (run from the project root)
#
# For each dataset <name> it writes
#   stdlib/data/<name>.csv         the data: header row, NA for missing,
#                                  factors as their labels, doubles in the
#                                  shortest form that reads back exactly
#   stdlib/data/<name>.schema.tsv  one line per column: name, type
#                                  (double|int|string) and, for factors,
#                                  R's levels in R's order (tab-separated)
# plus stdlib/data/index.tsv (name, rows, columns, description).
suppressPackageStartupMessages(library(survival))

datasets <- list(
  colon   = "Chemotherapy for stage B/C colon cancer (Moertel 1990): recurrence and death, two rows per patient",
  lung    = "NCCTG advanced lung cancer: survival with ECOG/Karnofsky performance scores",
  veteran = "Veterans' Administration lung cancer trial: standard vs test chemotherapy",
  aml     = "Acute myelogenous leukaemia: maintained vs not maintained chemotherapy",
  myeloid = "Acute myeloid leukaemia trial (FLT3 mutation): treatment arms A/B with transplant, CR and relapse times",
  heart   = "Stanford heart transplant programme, start/stop (counting process) format"
)

out_dir <- "stdlib/data"
fix_dir <- "Tests/Fixtures/datasets"
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
dir.create(fix_dir, recursive = TRUE, showWarnings = FALSE)

# Shortest decimal text (15, 16 or 17 significant digits) that reads back as
# exactly the same double.
num_text <- function(x) {
  vapply(x, function(v) {
    if (is.na(v)) return("NA")
    if (is.infinite(v)) return(if (v > 0) "Inf" else "-Inf")
    for (d in 15:17) {
      s <- sprintf(paste0("%.", d, "g"), v)
      if (as.numeric(s) == v) return(s)
    }
    s
  }, character(1), USE.NAMES = FALSE)
}

csv_quote <- function(s) {
  need <- grepl('[",\r\n]', s) | s %in% c("", "NA", "NaN", ".")
  ifelse(need, paste0('"', gsub('"', '""', s, fixed = TRUE), '"'), s)
}

col_type <- function(v) {
  if (is.factor(v) || is.character(v)) "string"
  else if (is.integer(v)) "int"
  else if (is.logical(v)) "bool"
  else "double"
}

col_levels <- function(v) {
  if (is.factor(v)) levels(v)
  else if (is.character(v)) sort(unique(v[!is.na(v)]), method = "radix")
  else NULL
}

col_text <- function(v) {
  if (is.factor(v) || is.character(v)) {
    s <- csv_quote(as.character(v)); s[is.na(v)] <- "NA"; s
  } else if (is.integer(v)) {
    s <- as.character(v); s[is.na(v)] <- "NA"; s
  } else if (is.logical(v)) {
    s <- ifelse(v, "TRUE", "FALSE"); s[is.na(v)] <- "NA"; s
  } else num_text(v)
}

json_str <- function(s) {
  s <- gsub("\\", "\\\\", s, fixed = TRUE)
  paste0('"', gsub('"', '\\"', s, fixed = TRUE), '"')
}
json_arr <- function(items) paste0("[", paste(items, collapse = ", "), "]")
json_values <- function(v) {
  if (is.factor(v) || is.character(v)) {
    s <- json_str(as.character(v)); s[is.na(v)] <- "null"; json_arr(s)
  } else {
    # Numbers as strings: some JSON parsers (Foundation's on Linux) do not
    # round decimal text correctly, and the tests compare bit for bit.
    s <- json_str(num_text(as.numeric(v))); s[is.na(v)] <- "null"; json_arr(s)
  }
}

fixture <- character(0)
index <- "name\trows\tcolumns\tdescription"
for (name in names(datasets)) {
  d <- get(name)
  d <- as.data.frame(d)
  cols <- names(d)

  text <- vapply(cols, function(c) col_text(d[[c]]), character(nrow(d)))
  if (nrow(d) == 1) text <- matrix(text, nrow = 1)
  lines <- c(paste(cols, collapse = ","), apply(text, 1, paste, collapse = ","))
  con <- file(file.path(out_dir, paste0(name, ".csv")), "wb")
  writeLines(lines, con, sep = "\n")
  close(con)

  schema <- vapply(cols, function(c) {
    paste(c(c, col_type(d[[c]]), col_levels(d[[c]])), collapse = "\t")
  }, character(1))
  con <- file(file.path(out_dir, paste0(name, ".schema.tsv")), "wb")
  writeLines(schema, con, sep = "\n")
  close(con)

  index <- c(index, paste(name, nrow(d), ncol(d), datasets[[name]], sep = "\t"))

  h <- head(d, 5)
  entry <- paste0(
    "  ", json_str(name), ": {\n",
    "    \"nrow\": ", nrow(d), ",\n",
    "    \"names\": ", json_arr(json_str(cols)), ",\n",
    "    \"types\": ", json_arr(json_str(vapply(cols, function(c) col_type(d[[c]]), ""))), ",\n",
    "    \"levels\": {", paste(unlist(lapply(cols, function(c) {
      l <- col_levels(d[[c]]); if (is.null(l)) NULL else paste0(json_str(c), ": ", json_arr(json_str(l)))
    })), collapse = ", "), "},\n",
    "    \"missing\": {",
    paste(vapply(cols, function(c) paste0(json_str(c), ": ", sum(is.na(d[[c]]))), ""), collapse = ", "), "},\n",
    "    \"sums\": {", paste(unlist(lapply(cols, function(c) {
      v <- d[[c]]
      if (is.factor(v) || is.character(v)) NULL
      else paste0(json_str(c), ": ", json_str(num_text(sum(as.numeric(v), na.rm = TRUE))))
    })), collapse = ", "), "},\n",
    "    \"head\": {",
    paste(vapply(cols, function(c) paste0(json_str(c), ": ", json_values(h[[c]])), ""), collapse = ", "), "}\n",
    "  }")
  fixture <- c(fixture, entry)
}

# Keep the lines of datasets this script does not make (the synthetic clocc,
# written by scripts/make_clocc.lua), so the export can run in any order.
index_path <- file.path(out_dir, "index.tsv")
if (file.exists(index_path)) {
  old <- readLines(index_path)[-1]
  keep <- old[!(sub("\t.*", "", old) %in% names(datasets))]
  index <- c(index, keep)
}
con <- file(index_path, "wb")
writeLines(index, con, sep = "\n")
close(con)
con <- file(file.path(fix_dir, "bundled.json"), "wb")
writeLines(c(paste0("{\n  \"R\": ", json_str(R.version.string), ",\n  \"survival\": ",
                    json_str(as.character(packageVersion("survival"))), ","),
             paste(fixture, collapse = ",\n"), "}"), con, sep = "\n")
close(con)
cat("exported", length(datasets), "datasets to", out_dir, "\n")
