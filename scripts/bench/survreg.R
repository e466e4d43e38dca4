# Peer of scripts/bench/survreg.lua: times survreg (Weibull, 5 covariates)
# on the survival benchmark file; the same BENCH lines.
#   Rscript scripts/bench/survreg.R survreg /tmp/kaplan-bench/surv_1000000.csv
suppressPackageStartupMessages({ library(survival); library(data.table) })
args <- commandArgs(trailingOnly = TRUE)
file <- args[length(args)]
d <- as.data.frame(fread(file))
t <- system.time(m <- survreg(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5, data = d), gcFirst = FALSE)[["elapsed"]]
cat(sprintf("BENCH time %.6f\n", t))
cat("BENCH check survreg_coef", sprintf("%.17g", c(coef(m), m$scale, m$loglik[2])), "\n")
