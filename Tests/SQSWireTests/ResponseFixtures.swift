import WireFormat
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import QueueEngine
@testable import SQSWire

let baseURL = "http://localhost:9324"
let responseEncoder = SQSResponseEncoder(accountId: accountId)
let xmlNamespace = "http://queue.amazonaws.com/doc/2012-11-05/"

func encode(_ response: SQSResponse, _ action: SQSAction, _ wireProtocol: SQSProtocol) -> EncodedResponse {
    responseEncoder.encode(response, action: action, protocol: wireProtocol, baseURL: baseURL, requestId: "req-1")
}

/// A received message with a String, a Binary and a custom-labelled attribute.
let sampleReceived = ReceivedMessage(
    messageId: "m-1", receiptHandle: "AQ+/handle==", body: "line1\r\nline2 <&> ü",
    attributes: ["SentTimestamp": "1700000000000", "ApproximateReceiveCount": "2"],
    messageAttributes: [
        "s": MessageAttributeValue(dataType: "String", stringValue: "v"),
        "b": MessageAttributeValue(dataType: "Binary.png", binaryValue: [0, 1, 255]),
        "n": MessageAttributeValue(dataType: "Number.int", stringValue: "42"),
    ])

/// Texts of every element named `name` in an XML document, and whether the document parsed.
func xmlTexts(_ name: String, in body: [UInt8]) -> (parsed: Bool, texts: [String]) {
    #if canImport(FoundationXML) || canImport(Darwin)
        final class Collector: NSObject, XMLParserDelegate {
            let name: String
            var texts: [String] = []
            var current: String?
            init(name: String) { self.name = name }
            func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                if element == name { current = "" }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }
            func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
                if element == name, let current { texts.append(current) }
                if element == name { current = nil }
            }
        }
        let parser = XMLParser(data: Data(body))
        let collector = Collector(name: name)
        parser.delegate = collector
        let parsed = parser.parse()
        return (parsed, collector.texts)
    #else
        return (true, [])
    #endif
}
