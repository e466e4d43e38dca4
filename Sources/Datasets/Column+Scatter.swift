/// A column put together from pieces computed per group: what a grouped
/// `g:with{...}` does with the values a function returned for each group
/// (dplyr's grouped `mutate`).
extension Column {
  /// The column of `count` rows whose rows `rows[k]` (0-based, each row in
  /// exactly one group) hold the values of `pieces[k]`, in order. The
  /// pieces are brought to one type first (`unified`: int with double is
  /// double, string levels in order of appearance); other mixtures throw
  /// `KindConflict`.
  public static func scattered(_ pieces: [Column], rows: [[Int]], count: Int) throws -> Column {
    let joined = concatenated(try unified(pieces))
    // Position in the concatenation of each row: the inverse of the groups' order.
    var source = [Int](repeating: -1, count: count)
    var offset = 0
    for group in rows {
      for (j, row) in group.enumerated() where row >= 0 && row < count { source[row] = offset + j }
      offset += group.count
    }
    return joined.gather(filling: source)
  }
}
