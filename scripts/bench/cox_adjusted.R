# Peer of scripts/bench/cox_adjusted.lua: the direct-standardised curve of
# each arm (adjustedCurves' "direct" method) written out with survival: the
# mean over all rows, given that arm, of exp(-H0(t) * exp(lp)), at every
# time of the baseline hazard. survfit(m, newdata = d) would build the
# rows x times matrix (10^6 x 2 * 10^4 doubles); this is the same sum
# without it, still rows x times exponentials. Same BENCH lines.
#   Rscript scripts/bench/cox_adjusted.R cox_adjusted /tmp/kaplan-bench/surv_100000.csv
suppressPackageStartupMessages({ library(survival); library(data.table) })
args <- commandArgs(trailingOnly = TRUE)
file <- args[length(args)]
d <- as.data.frame(fread(file))
m <- coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + arm, data = d, ties = "efron")
levels <- sort(unique(d$arm))
adjusted <- function() {
  bh <- basehaz(m, centered = TRUE)
  lapply(levels, function(level) {
    nd <- d
    nd$arm <- level
    r <- exp(predict(m, newdata = nd, type = "lp"))
    list(time = bh$time, surv = vapply(bh$hazard, function(h) mean(exp(-h * r)), 0))
  })
}
t <- system.time(curves <- adjusted(), gcFirst = FALSE)
cat(sprintf("BENCH time %.6f\n", t[["elapsed"]]))
cat(sprintf("BENCH cpu %.6f\n", t[["user.self"]] + t[["sys.self"]]))
at <- unlist(lapply(curves, function(cv) {
  vapply(c(1, 2, 5), function(x) { k <- sum(cv$time <= x); if (k == 0) 1 else cv$surv[k] }, 0)
}))
cat("BENCH check adjusted_surv", sprintf("%.17g", at), "\n")
