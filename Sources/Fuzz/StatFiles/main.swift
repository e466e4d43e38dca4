import FuzzDriver

runFuzzer(fuzzStatFiles)
