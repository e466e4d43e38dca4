import FuzzDriver

runFuzzer(fuzzXLSX)
