import Foundation
import Analysis
import Datasets
import FuzzDriver

/// A small dataset whose column names a formula can use: a survival time and
/// event, a start time, a factor, numbers, weights and an id.
let formulaData: Dataset? = try? CSVReader.read(
  text: """
    time,status,start,x,a,b,w,id,grp
    5,1,0,Maintained,1.5,0,1,1,g1
    8,1,1,Maintained,2.5,1,2,2,g2
    9,0,2,Nonmaintained,-1,0,1,3,g1
    12,1,0,Nonmaintained,0.25,1,0.5,4,g3
    13,0,3,Maintained,4,0,1,5,g2
    18,1,1,Nonmaintained,NA,1,1,6,g1
    23,1,0,Maintained,3,0,1,7,g3
    27,0,5,Nonmaintained,-2,1,1,8,g2
    30,1,2,Maintained,1,0,3,9,g1
    31,1,0,Nonmaintained,0,1,1,10,g3
    45,0,4,Maintained,2,0,1,11,g2
    48,1,1,Nonmaintained,5,1,1,12,g1
    """, file: "formula-fuzz.csv")

/// Fuzzes the formula lexer and parser: the input, as UTF-8 (invalid
/// sequences become U+FFFD), is parsed; a formula that parses is printed
/// back and used for a Kaplan–Meier and a Cox analysis of `formulaData`
/// (with a time transform, for `tt()` terms; the penalised fit for
/// `pspline()` terms), so that the model frame
/// (column lookup, factor coding, interactions, strata, transforms, spline
/// bases, event comparisons, `.`) meets every shape of formula the parser
/// accepts; `survreg()` and `flexsurv()` fit it too (FuzzSurvreg.swift, FuzzFlexsurv.swift). Errors are fine;
/// traps are not.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormula(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let text = String(decoding: fuzzBytes(data, size), as: UTF8.self)
  guard let formula = try? Formula(parsing: text) else { return 0 }
  _ = formula.description
  _ = formula.columnNames
  _ = formula.terms.map(\.label)
  guard let dataset = formulaData else { fuzzFailure("the fixed dataset did not load") }
  _ = try? KaplanMeierAnalysis(dataset: dataset, formula: formula)
  _ = try? CoxAnalysis(dataset: dataset, formula: formula)
  _ = try? CoxAnalysis(
    dataset: dataset, formula: formula, timeTransform: { _, x, t in x.map { $0 * log(t + 1) } })
  if formula.hasPenalisedSplines { _ = try? PenalisedCoxAnalysis(dataset: dataset, formula: formula) }
  fuzzSurvreg(formula, dataset: dataset)
  fuzzFlexsurv(formula, dataset: dataset)
  return 0
}
