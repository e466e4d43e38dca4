func benchCSV(_ args: [String]) {
  print("CSV benchmark: not written yet")
}
