# Peer of scripts/bench/cox_diagnostics.lua (issue 16): fits the Cox
# benchmark's model (task.R's cox task), then times one diagnostic alone:
#   Rscript scripts/bench/cox_diagnostics.R TASK FILE.csv
# TASK: zph | martingale | deviance | score | schoenfeld | scaledsch | dfbeta | dfbetas,
# or lp | risk | expected (predict(m, type, se.fit = TRUE) of the fitted rows).
# Prints, as task.R does, for scripts/bench/harness.py:
#   BENCH time SECONDS        the diagnostic call, wall clock
#   BENCH cpu SECONDS         the same call, CPU (user + system)
#   BENCH check NAME V1 ...   numbers compared with Kaplan's
suppressPackageStartupMessages({ library(survival); library(data.table) })
args <- commandArgs(trailingOnly = TRUE)
task <- args[1]
d <- as.data.frame(fread(args[2]))
m <- coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + arm, data = d, ties = "efron")
check <- function(name, values) {
  cat("BENCH check", name, paste(ifelse(is.na(values), "NA", sprintf("%.17g", values)), collapse = " "), "\n")
}
timed <- function(expr) {
  t <- system.time(value <- expr)
  cat(sprintf("BENCH time %.6f\nBENCH cpu %.6f\n", t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))
  value
}
if (task == "zph") {
  z <- timed(cox.zph(m))
  check("zph_chisq", unname(z$table[, 1]))
} else if (task %in% c("lp", "risk", "expected")) {
  pr <- timed(predict(m, type = task, se.fit = TRUE))
  r <- cbind(pr$fit, pr$se.fit)
  check("resid_sumsq", colSums(r^2))
  check("resid_first", unname(r[1, ]))
} else {
  r <- as.matrix(timed(residuals(m, type = task)))
  # Sums of squares per column (the plain sums are 0 for several types) and the first row.
  check("resid_sumsq", colSums(r^2))
  check("resid_first", unname(r[1, ]))
}
