import FuzzDriver

runFuzzer(fuzzFormula)
