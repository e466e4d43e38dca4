/// A sorted row's status as the right-censored kernels read it: an event
/// (any non-zero value) or not. A Cox fit hands its sweeps, concordance
/// and residuals one byte per row (`CoxPreparedData.eventFlags`: 10 MB at
/// 10⁷ rows where 0/1 Doubles took 80 MB); other callers pass the Doubles
/// they hold. Both read `value != 0`, so the two give the same answers.
protocol CoxStatusCode: BitwiseCopyable, SendableMetatype {
  var isEvent: Bool { get }
}

extension Double: CoxStatusCode {
  @inline(__always) var isEvent: Bool { self != 0 }
}

extension UInt8: CoxStatusCode {
  @inline(__always) var isEvent: Bool { self != 0 }
}
