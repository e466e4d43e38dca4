import FuzzDriver
import FuzzLua

runFuzzer(fuzzJSON)
