/// The one vocabulary of the tables `m:predict` returns, for cox, survreg and
/// flexsurv alike: R's `predict(se.fit = TRUE)` names `fit` and `se.fit` (as
/// `fit` and `se_fit`, snake_case as every Kaplan name), broom's `conf_low` and
/// `conf_high` for the interval (the names `tidy()` gives every interval),
/// `row` for the row of newdata a prediction belongs to, `time` for the time
/// it is at (the horizon of a restricted mean too, as flexsurv's summary
/// names it), `p` for the probability of a quantile.
enum PredictionColumns {
  static let row = "row"
  static let time = "time"
  static let probability = "p"
  static let estimates = ["fit", "se_fit", "conf_low", "conf_high"]
}
