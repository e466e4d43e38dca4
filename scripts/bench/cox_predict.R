# Peer of scripts/bench/cox_predict.lua: times survfit(m, newdata) for 10 profiles.
#   Rscript scripts/bench/cox_predict.R /tmp/kaplan-bench/surv_1000000.csv
suppressPackageStartupMessages({ library(survival); library(data.table) })
args <- commandArgs(trailingOnly = TRUE)
d <- as.data.frame(fread(args[1]))
m <- coxph(Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + arm, data = d, ties = "efron")
nd <- d[1:10, ]
t <- system.time(s <- survfit(m, newdata = nd, conf.type = "log-log"))[["elapsed"]]
cat(sprintf("survfit_seconds %.4f\n", t))
ss <- summary(s, times = c(1, 2, 5), extend = TRUE)
for (i in 1:10) cat(sprintf("profile %d surv %.10g %.10g %.10g\n", i, ss$surv[1, i], ss$surv[2, i], ss$surv[3, i]))
