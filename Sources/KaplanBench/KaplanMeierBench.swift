func benchKaplanMeier(_ args: [String]) {
  print("KaplanMeier benchmark: not written yet")
}
