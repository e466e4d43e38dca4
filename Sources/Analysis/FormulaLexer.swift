/// A token of the formula language, with its 1-based character position.
struct FormulaToken: Equatable {
  enum Kind: Equatable {
    /// A name; `quoted` when written in backquotes.
    case name(String, quoted: Bool)
    case number(String)
    /// A string literal in double or single quotes (the values of a
    /// comparison in `Surv()`: `status == "Dead"`).
    case string(String)
    case leftParen, rightParen, comma, plus, colon, star, tilde
    case minus, slash, caret, equals, leftBrace, rightBrace
    /// `==`, `!=`, `%in%`, `<`, `<=`, `>` and `>=`: the comparisons of an
    /// event in `Surv()` and inside `I()`.
    case comparison(String)
    case end
  }

  let kind: Kind
  let position: Int

  /// How the token is named in "expected ..., got X" messages.
  var spelling: String {
    switch kind {
    case .name(let n, let quoted): return quoted ? "`\(n)`" : "'\(n)'"
    case .number(let n): return "'\(n)'"
    case .string(let s): return "the string \"\(s)\""
    case .leftParen: return "'('"
    case .rightParen: return "')'"
    case .comma: return "','"
    case .plus: return "'+'"
    case .colon: return "':'"
    case .star: return "'*'"
    case .tilde: return "'~'"
    case .minus: return "'-'"
    case .slash: return "'/'"
    case .caret: return "'^'"
    case .equals: return "'='"
    case .leftBrace: return "'{'"
    case .rightBrace: return "'}'"
    case .comparison(let op): return "'\(op)'"
    case .end: return "the end of the formula"
    }
  }
}

/// Splits a formula into tokens; whitespace is free between tokens.
enum FormulaLexer {
  static func tokenize(_ text: String) throws -> [FormulaToken] {
    let chars = Array(text)
    var tokens: [FormulaToken] = []
    var i = 0
    func fail(_ message: String, at index: Int) -> FormulaError {
      FormulaError(formula: text, position: index + 1, message: message)
    }
    func next(_ offset: Int) -> Character? { i + offset < chars.count ? chars[i + offset] : nil }
    while i < chars.count {
      let c = chars[i]
      let position = i + 1
      if c.isWhitespace {
        i += 1
        continue
      }
      if c == "=" && next(1) == "=" || c == "!" && next(1) == "=" {
        tokens.append(FormulaToken(kind: .comparison(c == "=" ? "==" : "!="), position: position))
        i += 2
        continue
      }
      if c == "<" || c == ">" {
        let op = next(1) == "=" ? "\(c)=" : "\(c)"
        tokens.append(FormulaToken(kind: .comparison(op), position: position))
        i += op.count
        continue
      }
      if c == "%" {
        guard next(1) == "i", next(2) == "n", next(3) == "%" else {
          throw fail("unexpected character '%' (the only operator with '%' is %in%)", at: i)
        }
        tokens.append(FormulaToken(kind: .comparison("%in%"), position: position))
        i += 4
        continue
      }
      let single: FormulaToken.Kind? = {
        switch c {
        case "(": return .leftParen
        case ")": return .rightParen
        case ",": return .comma
        case "+": return .plus
        case ":": return .colon
        case "*": return .star
        case "~": return .tilde
        case "-": return .minus
        case "/": return .slash
        case "^": return .caret
        case "=": return .equals
        case "{": return .leftBrace
        case "}": return .rightBrace
        default: return nil
        }
      }()
      if let kind = single {
        tokens.append(FormulaToken(kind: kind, position: position))
        i += 1
      } else if c == "`" {
        guard let close = chars[(i + 1)...].firstIndex(of: "`") else {
          throw fail("unterminated backquoted name", at: i)
        }
        let name = String(chars[(i + 1)..<close])
        if name.isEmpty { throw fail("empty backquoted name", at: i) }
        tokens.append(FormulaToken(kind: .name(name, quoted: true), position: position))
        i = close + 1
      } else if isNameStart(c) && !(c == "." && i + 1 < chars.count && chars[i + 1].isASCIIDigit) {
        var j = i + 1
        while j < chars.count, isNameStart(chars[j]) || chars[j].isASCIIDigit || chars[j] == "_" {
          j += 1
        }
        tokens.append(FormulaToken(kind: .name(String(chars[i..<j]), quoted: false), position: position))
        i = j
      } else if c.isASCIIDigit || c == "." {
        var j = i + 1
        while j < chars.count, chars[j].isASCIIDigit || chars[j] == "." { j += 1 }
        // An exponent: 1e-3, 2.5E+4.
        if j < chars.count, chars[j] == "e" || chars[j] == "E" {
          var k = j + 1
          if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
          if k < chars.count, chars[k].isASCIIDigit {
            while k < chars.count, chars[k].isASCIIDigit { k += 1 }
            j = k
          }
        }
        tokens.append(FormulaToken(kind: .number(String(chars[i..<j])), position: position))
        i = j
      } else if c == "\"" || c == "'" {
        guard let close = chars[(i + 1)...].firstIndex(of: c) else {
          throw fail("unterminated string (no closing \(c))", at: i)
        }
        tokens.append(FormulaToken(kind: .string(String(chars[(i + 1)..<close])), position: position))
        i = close + 1
      } else {
        throw fail("unexpected character '\(c)'", at: i)
      }
    }
    let endPosition = chars.lastIndex(where: { !$0.isWhitespace }).map { $0 + 1 } ?? 1
    tokens.append(FormulaToken(kind: .end, position: endPosition))
    return tokens
  }

  private static func isNameStart(_ c: Character) -> Bool {
    c == "." || c.isLetter
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
