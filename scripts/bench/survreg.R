# Peer of scripts/bench/survreg.lua: times survreg (Weibull, 5 covariates)
# on the survival benchmark file; the same BENCH lines (time, cpu, check).
#   Rscript scripts/bench/survreg.R survreg /tmp/kaplan-bench/surv_1000000.csv
suppressPackageStartupMessages({ library(survival); library(data.table) })
args <- commandArgs(trailingOnly = TRUE)
file <- args[length(args)]
d <- as.data.frame(fread(file))
st <- system.time(m <- survreg(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5, data = d), gcFirst = FALSE)
cat(sprintf("BENCH time %.6f\n", st[["elapsed"]]))
cat(sprintf("BENCH cpu %.6f\n", st[["user.self"]] + st[["sys.self"]]))
cat("BENCH check survreg_coef", sprintf("%.17g", c(coef(m), m$scale, m$loglik[2])), "\n")
