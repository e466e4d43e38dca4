-- make_adam.lua: generates the SYNTHETIC CDISC ADaM example datasets `adsl`
-- and `adtte` from the bundled `colon` data (survival::colon, Moertel et al.
-- 1990). Nothing comes from any sponsor's ADaM: the structure follows the
-- public CDISC ADaM IG (ADSL; BDS-TTE v1.0), the values are colon's, and the
-- randomisation dates are invented.
--
--   kaplan run scripts/make_adam.lua --out stdlib/data
--
-- Writes adsl.csv, adsl.schema.tsv, adtte.csv, adtte.schema.tsv to the
-- output directory and adds (or replaces) their lines of its index.tsv.
-- Deterministic: the same files every run.
--
-- Derivations (one subject per colon id, 929 subjects):
--   STUDYID "COLON-SYN"; USUBJID "COLON-SYN-<id, 4 digits>"; SUBJID the id.
--   TRT01P/TRT01A: rx Obs, Lev, Lev+5FU as "Observation", "Levamisole",
--   "Levamisole + 5-FU". AGE (AGEU "YEARS") and SEX ("F"/"M") from age, sex.
--   STRATA: node4, as "NODES 1-4" / "NODES >4" (positive lymph nodes).
--   RANDDT: 1984-03-01 plus (id * 617) mod 1096 days (invented, spread over
--   three years of accrual). ITTFL "Y".
--   ADTTE, two parameters per subject, AVAL in days (AVALU "DAYS"),
--   STARTDT = RANDDT, ADT = STARTDT + AVAL - 1 (AVAL = ADT - STARTDT + 1):
--   OS   (Overall Survival): colon's death row (etype 2): CNSR 0 and EVNTDESC
--        "DEATH" when status is 1, else CNSR 1 and CNSDTDSC "LAST KNOWN ALIVE DATE".
--   PFS  (Progression-Free Survival): the recurrence row's time (etype 1);
--        an event when recurrence (EVNTDESC "DISEASE RECURRENCE") or, without
--        one, death (at the same time in colon; EVNTDESC "DEATH"); else
--        CNSR 1, CNSDTDSC "LAST DISEASE ASSESSMENT".

local colon = dataset("colon")
local TRT = { Obs = "Observation", Lev = "Levamisole", ["Lev+5FU"] = "Levamisole + 5-FU" }
local START = date("1984-03-01")

local subjects, order = {}, {}
for i = 1, #colon do
  local id = colon.id[i]
  local s = subjects[id]
  if not s then
    s = { id = id }
    subjects[id] = s
    order[#order + 1] = id
  end
  s.rx, s.sex, s.age, s.node4 = colon.rx[i], colon.sex[i], colon.age[i], colon.node4[i]
  if colon.etype[i] == 1 then s.rec_time, s.rec = colon.time[i], colon.status[i] else
    s.death_time, s.death = colon.time[i], colon.status[i]
  end
end
table.sort(order)

local adsl_cols = {
  { "STUDYID", "string", "COLON-SYN" }, { "USUBJID", "string" }, { "SUBJID", "string" },
  { "TRT01P", "string", "Observation", "Levamisole", "Levamisole + 5-FU" },
  { "TRT01A", "string", "Observation", "Levamisole", "Levamisole + 5-FU" },
  { "AGE", "int" }, { "AGEU", "string", "YEARS" }, { "SEX", "string", "F", "M" },
  { "STRATA", "string", "NODES 1-4", "NODES >4" }, { "RANDDT", "date" }, { "ITTFL", "string", "Y" },
}
local tte_cols = {
  { "STUDYID", "string", "COLON-SYN" }, { "USUBJID", "string" },
  { "PARAMCD", "string", "OS", "PFS" }, { "PARAM", "string", "Overall Survival", "Progression-Free Survival" },
  { "AVAL", "double" }, { "AVALU", "string", "DAYS" }, { "CNSR", "int" },
  { "EVNTDESC", "string", "DEATH", "DISEASE RECURRENCE" },
  { "CNSDTDSC", "string", "LAST DISEASE ASSESSMENT", "LAST KNOWN ALIVE DATE" },
  { "STARTDT", "date" }, { "ADT", "date" },
}
local function columns(cols)
  local v = {}
  for _, c in ipairs(cols) do v[c[1]] = {} end
  return v
end
local A, T = columns(adsl_cols), columns(tte_cols)
local NA_TEXT = "NA"
local function usubjid(id) return string.format("COLON-SYN-%04d", id) end

for k, id in ipairs(order) do
  local s = subjects[id]
  local randdt = START + (id * 617) % 1096
  A.STUDYID[k], A.USUBJID[k], A.SUBJID[k] = "COLON-SYN", usubjid(id), string.format("%04d", id)
  A.TRT01P[k], A.TRT01A[k] = TRT[s.rx], TRT[s.rx]
  A.AGE[k], A.AGEU[k], A.SEX[k] = s.age, "YEARS", s.sex == 1 and "M" or "F"
  A.STRATA[k], A.RANDDT[k], A.ITTFL[k] = s.node4 == 1 and "NODES >4" or "NODES 1-4", tostring(randdt), "Y"
  local function add(paramcd, param, aval, event, evntdesc, cnsdtdsc)
    local n = #T.USUBJID + 1
    T.STUDYID[n], T.USUBJID[n], T.PARAMCD[n], T.PARAM[n] = "COLON-SYN", usubjid(id), paramcd, param
    T.AVAL[n], T.AVALU[n], T.CNSR[n] = aval, "DAYS", event and 0 or 1
    T.EVNTDESC[n] = event and evntdesc or NA_TEXT
    T.CNSDTDSC[n] = event and NA_TEXT or cnsdtdsc
    T.STARTDT[n], T.ADT[n] = tostring(randdt), tostring(randdt + (aval - 1))
  end
  add("OS", "Overall Survival", s.death_time, s.death == 1, "DEATH", "LAST KNOWN ALIVE DATE")
  add("PFS", "Progression-Free Survival", s.rec_time, s.rec == 1 or s.death == 1,
    s.rec == 1 and "DISEASE RECURRENCE" or "DEATH", "LAST DISEASE ASSESSMENT")
end

-- The CSV files (NA as NA) and schemas; dataset() reads them with these types.
local function write(name, cols, values)
  local f = assert(io.open(name .. ".csv", "w"))
  local header = {}
  for j, c in ipairs(cols) do header[j] = c[1] end
  f:write(table.concat(header, ","), "\n")
  for i = 1, #values[cols[1][1]] do
    local row = {}
    for j, c in ipairs(cols) do
      local v = values[c[1]][i]
      row[j] = type(v) == "number" and (math.type(v) == "integer" and tostring(v) or string.format("%.17g", v))
        or tostring(v)
    end
    f:write(table.concat(row, ","), "\n")
  end
  f:close()
  local s = assert(io.open(name .. ".schema.tsv", "w"))
  for _, c in ipairs(cols) do
    local line = c
    if c[2] == "string" and not c[3] then
      -- Identifiers: the levels are the values, in order of first appearance.
      line = { c[1], c[2] }
      local seen = {}
      for _, v in ipairs(values[c[1]]) do
        if not seen[v] then seen[v], line[#line + 1] = true, v end
      end
    end
    s:write(table.concat(line, "\t"), "\n")
  end
  s:close()
  return #values[cols[1][1]]
end
local lines = {
  adsl = string.format("adsl\t%d\t%d\t%s", write("adsl", adsl_cols, A), #adsl_cols,
    "SYNTHETIC CDISC ADaM subject-level data (ADSL) derived from colon: treatment, age, sex, strata"),
  adtte = string.format("adtte\t%d\t%d\t%s", write("adtte", tte_cols, T), #tte_cols,
    "SYNTHETIC CDISC ADaM time-to-event data (ADTTE, OS and PFS in days) derived from colon; use adtte()"),
}

local out, seen = {}, {}
local index = io.open("index.tsv", "r+") -- "r+": a path under --out (reads resolve elsewhere)
if index then
  for l in index:lines() do
    local name = l:match("^([^\t]+)\t")
    if lines[name] then l, seen[name] = lines[name], true end
    out[#out + 1] = l
  end
  index:close()
else
  out[1] = "name\trows\tcolumns\tdescription"
end
for _, name in ipairs({ "adsl", "adtte" }) do if not seen[name] then out[#out + 1] = lines[name] end end
index = assert(io.open("index.tsv", "w"))
index:write(table.concat(out, "\n"), "\n")
index:close()
print(string.format("adsl: %d subjects; adtte: %d rows", #A.USUBJID, #T.USUBJID))
