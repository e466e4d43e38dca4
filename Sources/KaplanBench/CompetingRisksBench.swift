func benchCompetingRisks(_ args: [String]) {
  print("CompetingRisks benchmark: not written yet")
}
