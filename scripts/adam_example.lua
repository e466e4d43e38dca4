-- adam_example.lua: a CDISC-style time-to-event analysis from ADaM data.
--
--   kaplan run scripts/adam_example.lua [--out out]
--
-- The bundled ADSL and ADTTE are SYNTHETIC, derived from the colon trial by
-- scripts/make_adam.lua. With your own data, read them in the same way:
-- read_xlsx("adtte.xlsx"), read_csv("adtte.csv"), or the SAS readers.

local adsl = dataset("adsl")
local tte = dataset("adtte")

-- Overall survival: AVAL in months, EVENT = 1 where CNSR = 0, treatment and
-- stratification factor from ADSL.
local os = adtte(tte, {
  paramcd = "OS", adsl = adsl, keep = { "TRT01P", "AGE", "SEX", "STRATA" }, to = "months",
})
print(os:head(5))

-- Kaplan-Meier by planned treatment, with survival at 1, 3 and 5 years.
local fit = km(os, "Surv(AVAL, EVENT) ~ TRT01P")
print(fit)
print(fit:at({ 12, 36, 60 }))

-- Stratified log-rank test and Cox model, stratified by the randomisation
-- strata, as a CDISC statistical analysis plan specifies them.
print(logrank(os, "Surv(AVAL, EVENT) ~ TRT01P + strata(STRATA)"))
print(cox(os, "Surv(AVAL, EVENT) ~ TRT01P + strata(STRATA)"))

-- Progression-free survival, in the same way.
local pfs = adtte(tte, { paramcd = "PFS", adsl = adsl, keep = { "TRT01P", "STRATA" }, to = "months" })
print(cox(pfs, "Surv(AVAL, EVENT) ~ TRT01P + strata(STRATA)"))
