import Datasets
import LuaHost

extension KaplanCall {
  /// The optional dataset of covariate profiles at argument 2 of a model's
  /// `m:predict([newdata] [, opts])` (cox and survreg): nil when absent,
  /// meaning the fitted data, as R's `predict` methods take it.
  func newdataArgument() throws -> Dataset? {
    if lua.isObject(2, of: LuaDataset.self) { return try lua.object(2, as: LuaDataset.self).dataset }
    if lua.isNil(2) { return nil }
    throw lua.argumentError(
      2, "dataset of covariate profiles expected, got \(lua.typeName(2)) (give nil for the fitted data, "
        + "then the options)")
  }
}
