-- scripts/example.lua: the README's example, on R's lung cancer data.
local d   = dataset("lung")                          -- bundled; or read_csv("x.csv")
local fit = km(d, "Surv(time, status) ~ sex")
print(fit)                                           -- n, events, median (95% CI, log-log)
print(fit:at{180, 365, 730})                         -- survival at 6, 12, 24 months
print(logrank(d, "Surv(time, status) ~ sex"))
print(cox(d, "Surv(time, status) ~ age + sex + ph.ecog"))
plot(fit, {file = "lung.svg", risk_table = true, pvalue = true})
