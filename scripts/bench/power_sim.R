# Peer of scripts/bench/power_sim.lua: 10,000 trials of 600 patients (exponential, hr 0.7, uniform accrual over
# 24 months, cut at the 247th event), each analysed with survdiff; the same BENCH lines.
#   Rscript scripts/bench/power_sim.R power_sim
suppressPackageStartupMessages(library(survival))
set.seed(1)
reps <- 10000
n <- 600
h <- log(2) / 12
arm <- rep(0:1, each = n / 2)
rate <- ifelse(arm == 1, 0.7 * h, h)
st <- system.time({
  reject <- logical(reps)
  for (i in seq_len(reps)) {
    entry <- runif(n, 0, 24)
    ev <- rexp(n, rate)
    cut <- sort(entry + ev)[247]
    keep <- entry < cut
    time <- pmin(ev, cut - entry)[keep]
    status <- as.integer(ev <= cut - entry)[keep]
    s <- survdiff(Surv(time, status) ~ arm[keep])
    reject[i] <- pchisq(s$chisq, 1, lower.tail = FALSE) < 0.05
  }
}, gcFirst = FALSE)
cat(sprintf("BENCH time %.6f\n", st[["elapsed"]]))
cat(sprintf("BENCH cpu %.6f\n", st[["user.self"]] + st[["sys.self"]]))
cat(sprintf("BENCH power %.4f %.4f\n", mean(reject), sqrt(mean(reject) * (1 - mean(reject)) / reps)))
cat("BENCH check reps", reps, "\n")
