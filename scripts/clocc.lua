-- The CLOCC trial (EORTC 40004; Ruers et al., JNCI 2017;109:djx015), its
-- report's analyses in one script. The data are a SYNTHETIC reconstruction
-- of the patients (stdlib/data/README.md says how they were made).
-- Run: kaplan run scripts/clocc.lua --out out
local d = dataset("clocc")       -- arm: systemic (reference level), combined
local OS, PFS = "Surv(os_months, os_event) ~ arm", "Surv(pfs_months, pfs_event) ~ arm"

print("Patient flow (intention to treat)")
local deaths, progression_deaths = {}, {}
for _, g in ipairs(d:split("arm")) do
  deaths[g.label] = g.data.os_event:sum()
  progression_deaths[g.label] = g.data.death_cause:eq("progression"):sum()
  print(string.format("  %-9s randomized %3d, died %3d, died of progressive disease %3d",
    g.label, #g.data, deaths[g.label], progression_deaths[g.label]))
end

local os_km, pfs_km = km(d, OS), km(d, PFS)       -- 95% CIs, log-log, as the paper
local os_cox = cox(d, OS)                        -- HR combined vs systemic
local os_lr, pfs_lr = logrank(d, OS), logrank(d, PFS)
local fu = followup(d, "Surv(os_months, os_event)")
local sites = cuminc(d, "Surv(pfs_months, first_event) ~ arm")  -- death competes
local os_at, pfs_at = os_km:at{36, 60, 96}, pfs_km:at{36}
for _, result in ipairs{os_km, os_at, os_lr, os_cox, fu, pfs_km, pfs_at, pfs_lr, sites} do
  print("\n" .. tostring(result))
end

-- Figures 2–5: SVG, and PNG where rsvg-convert is installed.
local function figure(name, result, opts)
  opts.breaks, opts.xlab, opts.pvalue = 12, "Months since randomization", true
  opts.file = name .. ".svg"; plot(result, opts)
  opts.file = name .. ".png"; pcall(plot, result, opts)
end
figure("fig2_os", os_km, {title = "Overall survival", hr = os_cox})
figure("fig3_pfs", pfs_km, {title = "Progression-free survival"})
figure("fig4_hepatic", sites, {title = "Hepatic progression", cause = "hepatic"})
figure("fig5_extrahepatic", sites, {title = "Extrahepatic progression", cause = "extrahepatic"})

-- Published (JNCI 2017; PFS from Ann Oncol 2012) next to Kaplan on these data.
local function arm(list, name) for _, s in ipairs(list) do if s.label == "arm=" .. name then return s end end end
local function gray(cause) for _, t in ipairs(sites.tests) do if t.cause == cause then return t.p end end end
local hr = os_cox.terms[1]
local rows = {
  { "Deaths, combined / systemic", "39 / 53", ("%d / %d"):format(deaths.combined, deaths.systemic) },
  { "Deaths of progression", "35 / 49", ("%d / %d"):format(progression_deaths.combined, progression_deaths.systemic) },
  { "OS hazard ratio (95% CI)", 0.58, hr.hr, 0.38, hr.lower, 0.88, hr.upper },
  { "OS log-rank P", 0.01, os_lr.p },
  { "Median follow-up, years", 9.7, fu.overall.median / 12 },
}
local published = { combined = { {56.9, 43.3, 68.5}, {43.1, 30.3, 55.3}, {35.9, 23.8, 48.2} },
                    systemic = { {55.2, 41.6, 66.9}, {30.3, 19.0, 42.4}, {8.9, 3.3, 18.1} } }
for _, a in ipairs{"combined", "systemic"} do
  local s = arm(os_at.strata, a)
  for i, year in ipairs{3, 5, 8} do
    local p = published[a][i]
    rows[#rows + 1] = {
      year .. "-year OS %, " .. a, p[1], 100 * s.surv[i], p[2], 100 * s.lower[i], p[3], 100 * s.upper[i]
    }
  end
end
local med = {
  combined = {45.6, 30.3, 67.8, 16.8, 11.7, 22.1, 27.6},
  systemic = {40.5, 27.5, 47.7, 9.9, 9.3, 13.7, 10.6},
}
for _, a in ipairs{"combined", "systemic"} do
  local o, p, m = arm(os_km.strata, a), arm(pfs_km.strata, a), med[a]
  rows[#rows + 1] = { "Median OS, months, " .. a, m[1], o.median, m[2], o.median_lower, m[3], o.median_upper }
  rows[#rows + 1] = { "Median PFS, months, " .. a, m[4], p.median, m[5], p.median_lower, m[6], p.median_upper }
  rows[#rows + 1] = { "3-year PFS %, " .. a, m[7], 100 * arm(pfs_at.strata, a).surv[1] }
end
rows[#rows + 1] = { "PFS log-rank P", 0.005, pfs_lr.p }
rows[#rows + 1] = { "Gray P, hepatic progression", "<0.001", gray("hepatic") }
rows[#rows + 1] = { "Gray P, extrahepatic progression", 0.73, gray("extrahepatic") }

print("\nPublished vs Kaplan on the synthetic data ([CI limits])")
local line = "%-34s %10s %10s %8s"
print(line:format("", "published", "Kaplan", "diff"))
for _, r in ipairs(rows) do
  local fmt = (r[1]:find(" P$") or r[1]:find(" P,")) and "%.4f" or "%.2f"   -- p-values: 4 decimals
  local function f(x, br) return type(x) ~= "number" and x or (br or "%s"):format(fmt:format(x)) end
  print(line:format(r[1], f(r[2]), f(r[3]), type(r[2]) == "number" and f(r[3] - r[2]) or ""))
  for j = 4, #r, 2 do print(line:format("", f(r[j], "[%s]"), f(r[j + 1], "[%s]"), f(r[j + 1] - r[j]))) end
end
