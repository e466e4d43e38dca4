#!/usr/bin/env Rscript
# check_clocc.R: compares the SYNTHETIC clocc dataset (stdlib/data/clocc.csv,
# written by scripts/make_clocc.lua) with the published figures of the
# EORTC 40004 (CLOCC) trial (Ruers et al., Ann Oncol 2012; JNCI 2017).
#
#   Rscript scripts/check_clocc.R [path/to/clocc.csv]
#
# Needs R with `survival` and `cmprsk`. Prints one line per target:
# published value, synthetic value, difference, tolerance, pass/fail; exits
# with status 1 when a target fails. Tolerances (issue 8): survival
# proportions 3 percentage points, medians 3 months, HR 0.05 and each CI end
# 0.08, median follow-up 0.3 years, p-values on the same side of 0.05 and of
# 0.01 as published; here also of 0.001 (stricter than the issue). OS P = .01
# is read as 0.005 <= p < 0.015, the values that round to .01. Kaplan-Meier
# intervals are log-log (reported, not targets). The last line, "score", is
# the mean of |difference| / tolerance over the targets with a numeric
# tolerance (0 = every published value hit exactly); make_clocc.lua's default
# seed is the passing seed with the lowest score among seeds 1-100.
suppressMessages({ library(survival); library(cmprsk) })

args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) >= 1) args[1] else "stdlib/data/clocc.csv"
d <- read.csv(path, stringsAsFactors = FALSE)
d$arm <- factor(d$arm, levels = c("systemic", "combined"))  # systemic: reference

rows <- list()
add <- function(target, published, synthetic, tol, pass, note = "", scale = NA) {
  rows[[length(rows) + 1]] <<- data.frame(
    target = target, published = published, synthetic = synthetic,
    difference = synthetic - published, tolerance = tol,
    result = if (isTRUE(pass)) "pass" else "FAIL", note = note,
    score = if (is.na(scale)) NA else abs(synthetic - published) / scale,
    stringsAsFactors = FALSE)
}
within <- function(x, target, tol) abs(x - target) <= tol + 1e-12
fmt_ci <- function(l, u, k = 1) sprintf("%.*f-%.*f", k, l, k, u)

# Counts.
for (a in c("combined", "systemic")) {
  s <- d[d$arm == a, ]
  pub <- if (a == "combined") c(60, 39, 35) else c(59, 53, 49)
  add(sprintf("patients, %s", a), pub[1], nrow(s), "exact", nrow(s) == pub[1])
  add(sprintf("deaths, %s", a), pub[2], sum(s$os_event), "exact", sum(s$os_event) == pub[2])
  pd <- sum(s$os_event == 1 & s$death_cause == "progression")
  add(sprintf("deaths of progression, %s", a), pub[3], pd, "exact", pd == pub[3])
}

# Overall survival: landmarks and medians (log-log CIs).
os <- survfit(Surv(os_months, os_event) ~ arm, data = d, conf.type = "log-log")
pub_os <- list(
  combined = list(s = c(56.9, 43.1, 35.9), lo = c(43.3, 30.3, 23.8), hi = c(68.5, 55.3, 48.2),
                  med = c(45.6, 30.3, 67.8)),
  systemic = list(s = c(55.2, 30.3, 8.9), lo = c(41.6, 19.0, 3.3), hi = c(66.9, 42.4, 18.1),
                  med = c(40.5, 27.5, 47.7)))
sm <- summary(os, times = c(36, 60, 96), extend = TRUE)
tab <- summary(os)$table
for (a in c("combined", "systemic")) {
  st <- paste0("arm=", a)
  p <- pub_os[[a]]
  for (k in 1:3) {
    i <- which(sm$strata == st)[k]
    v <- 100 * sm$surv[i]
    add(sprintf("OS at %d years, %s (%%)", c(3, 5, 8)[k], a), p$s[k], round(v, 1), "3 points",
        within(v, p$s[k], 3), scale = 3,
        sprintf("CI published %s, synthetic %s", fmt_ci(p$lo[k], p$hi[k]),
                fmt_ci(100 * sm$lower[i], 100 * sm$upper[i])))
  }
  m <- tab[st, c("median", "0.95LCL", "0.95UCL")]
  add(sprintf("median OS, %s (months)", a), p$med[1], round(m[[1]], 1), "3 months",
      within(m[[1]], p$med[1], 3), scale = 3,
      sprintf("CI published %s, synthetic %s", fmt_ci(p$med[2], p$med[3]), fmt_ci(m[[2]], m[[3]])))
}

# Cox model and log-rank test for OS.
cx <- coxph(Surv(os_months, os_event) ~ arm, data = d)
hr <- exp(c(coef(cx), confint(cx)))
add("OS hazard ratio, combined vs systemic", 0.58, round(hr[1], 3), "0.05", within(hr[1], 0.58, 0.05),
    "Cox, Efron ties", scale = 0.05)
add("OS HR, lower 95% limit", 0.38, round(hr[2], 3), "0.08", within(hr[2], 0.38, 0.08), scale = 0.08)
add("OS HR, upper 95% limit", 0.88, round(hr[3], 3), "0.08", within(hr[3], 0.88, 0.08), scale = 0.08)
lr <- survdiff(Surv(os_months, os_event) ~ arm, data = d)
p_os <- pchisq(lr$chisq, 1, lower.tail = FALSE)
add("OS log-rank P", 0.01, signif(p_os, 3), "rounds to .01", p_os >= 0.005 && p_os < 0.015,
    "same side of .05 and .01: 0.005 <= p < 0.015")

# Median follow-up, reverse Kaplan-Meier.
fu <- survfit(Surv(os_months, 1 - os_event) ~ 1, data = d)
mfu <- summary(fu)$table[["median"]] / 12
add("median follow-up (years, reverse KM)", 9.7, round(mfu, 2), "0.3 years", within(mfu, 9.7, 0.3), scale = 0.3)

# Progression-free survival.
pfs <- survfit(Surv(pfs_months, pfs_event) ~ arm, data = d, conf.type = "log-log")
ptab <- summary(pfs)$table
psm <- summary(pfs, times = 36, extend = TRUE)
pub_pfs <- list(combined = list(med = c(16.8, 11.7, 22.1), s3 = 27.6),
                systemic = list(med = c(9.9, 9.3, 13.7), s3 = 10.6))
for (a in c("combined", "systemic")) {
  st <- paste0("arm=", a)
  p <- pub_pfs[[a]]
  m <- ptab[st, c("median", "0.95LCL", "0.95UCL")]
  add(sprintf("median PFS, %s (months)", a), p$med[1], round(m[[1]], 1), "3 months",
      within(m[[1]], p$med[1], 3), scale = 3,
      sprintf("CI published %s, synthetic %s", fmt_ci(p$med[2], p$med[3]), fmt_ci(m[[2]], m[[3]])))
  i <- which(psm$strata == st)
  v <- 100 * psm$surv[i]
  add(sprintf("PFS at 3 years, %s (%%)", a), p$s3, round(v, 1), "3 points", within(v, p$s3, 3), scale = 3,
      sprintf("synthetic CI %s", fmt_ci(100 * psm$lower[i], 100 * psm$upper[i])))
}
lrp <- survdiff(Surv(pfs_months, pfs_event) ~ arm, data = d)
p_pfs <- pchisq(lrp$chisq, 1, lower.tail = FALSE)
add("PFS log-rank P", 0.005, signif(p_pfs, 3), ".001 to .01", p_pfs >= 0.001 && p_pfs < 0.01,
    "same side of .05, .01 and .001 as .005")

# Site of first progression: cumulative incidence and Gray's test.
ci <- cuminc(d$pfs_months, d$first_event, d$arm, cencode = "censored")
gray <- ci$Tests
p_hep <- gray["hepatic", "pv"]
p_ext <- gray["extrahepatic", "pv"]
add("Gray's test P, hepatic progression", 0.001, signif(p_hep, 3), "< .001", p_hep < 0.001,
    "published P < .001")
add("Gray's test P, extrahepatic progression", 0.73, signif(p_ext, 3), "> .05", p_ext > 0.05,
    "published P = .73")

# Consistency of the records.
ok <- with(d, all(pfs_months <= os_months) &&
  all(pfs_event == as.integer(first_event != "censored")) &&
  all((death_cause != "alive") == (os_event == 1)) &&
  all(death_cause[first_event == "death"] == "other") &&
  all(os_months[first_event == "death"] == pfs_months[first_event == "death"]) &&
  all(pfs_months[death_cause == "progression"] < os_months[death_cause == "progression"]))
add("records consistent (PFS <= OS, progression before death of progression)", 1, as.numeric(ok),
    "exact", ok)

out <- do.call(rbind, rows)
num <- function(x) vapply(x, function(v) format(signif(v, 4), scientific = FALSE, drop0trailing = TRUE), "")
shown <- data.frame(target = out$target, published = num(out$published), synthetic = num(out$synthetic),
                    difference = num(out$difference), tolerance = out$tolerance, result = out$result)
old <- options(width = 200)
print(shown, row.names = FALSE, right = FALSE)
cat("\nNotes:\n")
for (i in which(out$note != "")) cat(sprintf("  %s: %s\n", out$target[i], out$note[i]))
cat("\nCumulative incidence of first progression at 1, 3, 5 years (%):\n")
print(round(100 * timepoints(ci, c(12, 36, 60))$est, 1))
cat("\nfirst_event by arm:\n")
print(table(d$arm, d$first_event))
options(old)
failed <- sum(out$result == "FAIL")
cat(sprintf("\n%d of %d targets pass\n", nrow(out) - failed, nrow(out)))
cat(sprintf("score %.4f\n", mean(out$score, na.rm = TRUE)))
if (failed > 0) quit(status = 1)
