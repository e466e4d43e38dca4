# One benchmark task in R, the peer of scripts/bench/task.lua (same tasks,
# same files, same output lines), run by scripts/bench/harness.py:
#   Rscript --vanilla task.R TASK FILE.csv
# TASK: read_csv (utils::read.csv) | fread1 | fread2 (data.table::fread with
# 1 or 2 threads) | fread1_surv | fread2_surv (the same on the surv file) |
# km (survfit, log-log limits) | logrank (survdiff) | cox |
# cox_strata (coxph, Efron ties) | cuminc | crr (cmprsk) | derive (data.table :=) |
# survsplit (survSplit at 10 cuts) | join_merge | join_dt | group_dt (data.table).
# The analysis tasks read the file with fread (untimed beyond its own line)
# and time the call with the elapsed clock.
args <- commandArgs(trailingOnly = TRUE)
task <- args[1]; file <- args[2]
report <- function(label, seconds) cat(sprintf("BENCH %s %.6f\n", label, seconds))
check <- function(name, values) {
  text <- ifelse(is.na(values), "NA", sprintf("%.17g", values))
  cat("BENCH check", name, paste(text, collapse = " "), "\n")
}
# The elapsed time of `expr`; its CPU seconds are kept in `cpu_used` (reported for the analysis tasks).
cpu_used <- NA
elapsed <- function(expr) {
  t <- system.time(expr, gcFirst = FALSE)
  cpu_used <<- t[["user.self"]] + t[["sys.self"]]
  t[["elapsed"]]
}
suppressPackageStartupMessages(library(data.table))
read_fast <- function() {
  d <- fread(file, data.table = FALSE)
  if ("arm" %in% names(d)) d$arm <- factor(d$arm)
  if ("stratum" %in% names(d)) d$stratum <- factor(d$stratum)
  d
}
csv_check <- function(d) check("csv", c(nrow(d), sum(d$x1), sum(d$x8)))

if (task %in% c("read_csv", "fread1", "fread2")) {
  if (task == "fread1") setDTthreads(1)
  if (task == "fread2") setDTthreads(2)
  reader <- if (task == "read_csv") function() read.csv(file) else function() fread(file)
  t <- elapsed(d <- reader())
  report("read", t)
  report("time", t)
  csv_check(d)
  quit(save = "no")
}

# Issue 14: the surv file (two string columns) read by fread, 1 or 2 threads.
if (task %in% c("fread1_surv", "fread2_surv")) {
  setDTthreads(if (task == "fread1_surv") 1 else 2)
  t <- elapsed(d <- fread(file))
  report("read", t)
  report("time", t)
  check("csv_surv", c(nrow(d), sum(d$x1), sum(d$x2)))
  quit(save = "no")
}

# Issue 15, columns: derive = five new columns with data.table's := (the
# element-wise functions of task.lua's derive).
# Two threads, as Kaplan's kernels use both cores (base R's functions run on one).
if (task == "derive") {
  setDTthreads(2)
  report("read", elapsed(d <- fread(file)))
  cpu <- sum(proc.time()[c("user.self", "sys.self")])
  report("time", elapsed(d[, `:=`(lx = log1p(x1), r = round(x2, 2), s = sqrt(x3) * exp(x4), p = x5^2 + x6 %% 3,
                                  m = pmin(x7, x8))]))
  report("cpu", sum(proc.time()[c("user.self", "sys.self")]) - cpu)
  check("derive", c(sum(d$lx), sum(d$r), sum(d$s), sum(d$p), sum(d$m)))
  quit(save = "no")
}

# --- join and group_by (issue 15): FILE is subjects_N.csv or group_N.csv ---
if (task %in% c("join_merge", "join_dt")) {
  x <- fread(file)
  y <- fread(sub("subjects_([0-9]+)[.]csv$", "events_\\1.csv", file))
  report("read", 0)
  t <- elapsed(j <- if (task == "join_merge") merge(x, y, by = "id", all.x = TRUE) else y[x, on = "id"])
  report("time", t)
  check("join", c(nrow(j), sum(j$age), sum(j$value, na.rm = TRUE), sum(j$day, na.rm = TRUE)))
  quit(save = "no")
}
if (task == "group_dt") {
  d <- fread(file)
  report("read", 0)
  report("time", elapsed(s <- d[, .(n = .N, m = mean(x)), by = g]))
  check("group_by", c(nrow(s), sum(s$n), sum(s$m)))
  quit(save = "no")
}
# --- end of join and group_by ---
suppressPackageStartupMessages(library(survival))
report("read", elapsed(d <- read_fast()))
covariates <- "x1 + x2 + x3 + x4 + x5 + arm"
cox_formula <- function(extra) as.formula(paste("Surv(time, status) ~", covariates, extra))
if (task == "km") {
  report("time", elapsed(fit <- survfit(Surv(time, status) ~ arm, data = d, conf.type = "log-log")))
  check("km_median", unname(summary(fit)$table[, "median"]))
} else if (task == "logrank") {
  report("time", elapsed(test <- survdiff(Surv(time, status) ~ arm, data = d)))
  check("logrank_chisq", test$chisq)
} else if (task == "cox" || task == "cox_strata") {
  f <- cox_formula(if (task == "cox_strata") "+ strata(stratum)" else "")
  report("time", elapsed(m <- coxph(f, data = d, ties = "efron")))
  check("cox_coef", unname(coef(m)))
  check("cox_loglik", m$loglik[2])
} else if (task == "cuminc") {
  suppressPackageStartupMessages(library(cmprsk))
  report("time", elapsed(ci <- cuminc(d$time, d$cr_status, d$arm)))
  check("gray_statistic", unname(ci$Tests[, "stat"]))
} else if (task == "crr") {
  suppressPackageStartupMessages(library(cmprsk))
  report("time", elapsed(m <- crr(d$time, d$cr_status, cbind(d$x1, d$x2, d$x3), failcode = 1, cencode = 0)))
  check("finegray_coef", unname(m$coef))
} else if (task == "survsplit") {
  report("time", elapsed(s <- survSplit(Surv(time, status) ~ ., data = d, cut = 1:10)))
  check("survsplit", c(nrow(s), sum(s$tstart), sum(s$status)))
} else {
  stop("unknown task ", task)
}
report("cpu", cpu_used)
