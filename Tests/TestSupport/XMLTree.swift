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
  public var text = ""

  init(name: String, attributes: [String: String]) {
    self.name = name
    self.attributes = attributes
  }

  /// Every element named `name` below (and including) this one, in document order.
  public func all(_ name: String) -> [XMLTree] {
    (self.name == name ? [self] : []) + children.flatMap { $0.all(name) }
  }

  /// The text of this element and all its descendants.
  public var allText: String { text + children.map(\.allText).joined() }

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
      if let parent = stack.last { parent.children.append(node) } else { root = node }
      stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
      _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      stack.last?.text += string
    }
  }
}
