import Testing
@testable import Survival

/// Long fits stop when the host asks (docs/ARCHITECTURE.md, safety rule 5), and only then.
struct CancellationTests {
  let time: [Double] = [1, 2, 3, 4, 5, 6]
  let status = [1, 2, 1, 0, 1, 1]
  let x: [Double] = [0, 1, 0, 1, 1, 0]

  @Test func fineGrayStopsWhenCancellationIsRequested() throws {
    #expect(throws: ComputationCancelled.self) {
      try Cancellation.withCheck({ true }) {
        _ = try FineGray.fit(time: time, status: status, covariates: x, p: 1)
      }
    }
  }

  @Test func coxStopsWhenCancellationIsRequested() throws {
    let status: [Double] = [1, 1, 1, 0, 1, 1]
    #expect(throws: ComputationCancelled.self) {
      try Cancellation.withCheck({ true }) {
        _ = try CoxModel.fit(time: time, status: status, covariates: x, columns: 1)
      }
    }
    #expect(try CoxModel.fit(time: time, status: status, covariates: x, columns: 1).iterations >= 1)
  }

  @Test func fineGrayRunsWhenNothingIsRequested() throws {
    let fit = try FineGray.fit(time: time, status: status, covariates: x, p: 1)
    #expect(fit.iterations >= 1)
  }
}
