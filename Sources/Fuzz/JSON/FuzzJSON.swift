import Foundation
import FuzzDriver
import FuzzLua

/// Encodes one generated value with the stdlib's `json()` and returns the
/// text as hex (so that invalid UTF-8 reaches the check intact), or nothing
/// when `json` raised.
let jsonProgram = #"""
local G = ...
local value = G.value(0)
local ok, text = pcall(json, value)
if not ok or type(text) ~= "string" then return end
return (text:gsub(".", function(c) return string.format("%02x", c:byte()) end))
"""#

/// Fuzzes the JSON encoder (`stdlib/kaplan/json.lua`, which has no Swift
/// side) through a sandboxed Lua state: a value generated from the input
/// (numbers including NaN, ±inf and subnormals, strings with NUL and invalid
/// UTF-8, sparse and cyclic tables, metatables that raise, datasets and
/// fits) is encoded. `json` may refuse with a Lua error; whatever text it
/// returns must be JSON that Foundation's parser (RFC 8259) accepts.
/// One session serves 500 inputs: `json` changes no state, and making a
/// runtime with its datasets and fits costs more than the encoding.
/// (Unchecked globals: libFuzzer runs the target on one thread, one input
/// at a time.)
nonisolated(unsafe) var jsonSession: FuzzSession?
nonisolated(unsafe) var jsonInputs = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  jsonInputs += 1
  if jsonInputs % 500 == 1 { jsonSession = FuzzSession(program: jsonProgram) }
  guard let results = jsonSession?.run(fuzzBytes(data, size)),
    case .string(let hex)? = results.first
  else { return 0 }
  guard let text = FuzzRuntime.bytes(fromHex: hex) else { fuzzFailure("the JSON program returned bad hex") }
  do {
    _ = try JSONSerialization.jsonObject(with: Data(text), options: [.fragmentsAllowed])
  } catch {
    let shown = String(decoding: text.prefix(300), as: UTF8.self)
    fuzzFailure("json() returned text that is not JSON (\(error)): \(shown)")
  }
  return 0
}
