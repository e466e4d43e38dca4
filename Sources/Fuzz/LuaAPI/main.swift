import FuzzDriver
import FuzzLua

runFuzzer(fuzzLuaAPI)
