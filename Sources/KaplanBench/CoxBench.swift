func benchCox(_ args: [String]) {
  print("Cox benchmark: not written yet")
}
