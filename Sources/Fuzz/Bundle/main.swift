import FuzzDriver

runFuzzer(fuzzBundle)
