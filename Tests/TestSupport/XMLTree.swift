import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// A parsed XML element for the tests: name (qualified, as written),
/// attributes, children and text, read with Foundation's XMLParser; nil
/// when the text is not well-formed XML.
public final class XMLTree {
  public let name: String
  public let attributes: [String: String]
  public var children: [XMLTree] = []
  /// The element's own text and its children, in document order.
  private var parts: [Part] = []
  private enum Part {
    case text(String)
    case element(XMLTree)
  }

  /// The element's own text (not its children's).
  public var text: String {
    parts.map { if case .text(let s) = $0 { return s } else { return "" } }.joined()
  }

  init(name: String, attributes: [String: String]) {
    self.name = name
    self.attributes = attributes
  }

  /// Every element named `name` below (and including) this one, in document order.
  public func all(_ name: String) -> [XMLTree] {
    (self.name == name ? [self] : []) + children.flatMap { $0.all(name) }
  }

  /// The text of this element and all its descendants, in order; a line
  /// break element (HTML `br`, WordprocessingML `w:br`) reads as "\n".
  public var allText: String {
    if name == "br" || name == "w:br" { return "\n" }
    return parts.map { part in
      switch part {
      case .text(let s): return s
      case .element(let e): return e.allText
      }
    }.joined()
  }

  public static func parse(_ bytes: [UInt8]) -> XMLTree? {
    let parser = XMLParser(data: Data(bytes))
    let builder = Builder()
    parser.delegate = builder
    guard parser.parse(), let root = builder.root else { return nil }
    return root
  }

  private final class Builder: NSObject, XMLParserDelegate {
    var stack: [XMLTree] = []
    var root: XMLTree?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
      let node = XMLTree(name: qName ?? elementName, attributes: attributeDict)
      if let parent = stack.last {
        parent.children.append(node)
        parent.parts.append(.element(node))
      } else {
        root = node
      }
      stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
      _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      stack.last?.parts.append(.text(string))
    }
  }
}
