import FuzzDriver

runFuzzer(fuzzCSV)
