# Peer of scripts/bench/cox_predict.lua: times survfit(m, newdata) for 10
# profiles of the Cox benchmark's model; the same BENCH lines.
#   Rscript scripts/bench/cox_predict.R cox_predict /tmp/kaplan-bench/surv_1000000.csv
suppressPackageStartupMessages({ library(survival); library(data.table) })
args <- commandArgs(trailingOnly = TRUE)
file <- args[length(args)]
d <- as.data.frame(fread(file))
m <- coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + arm, data = d, ties = "efron")
nd <- d[1:10, ]
t <- system.time(s <- survfit(m, newdata = nd, conf.type = "log-log"), gcFirst = FALSE)[["elapsed"]]
cat(sprintf("BENCH time %.6f\n", t))
ss <- summary(s, times = c(1, 2, 5), extend = TRUE)
cat("BENCH check survfit_surv", sprintf("%.17g", c(ss$surv)), "\n")
