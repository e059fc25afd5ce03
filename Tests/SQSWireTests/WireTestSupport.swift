import WireFormat
import Foundation
import Testing

@testable import QueueEngine
@testable import SQSWire

let accountId = "000000000000"
let queueURL = "http://localhost:9324/000000000000/q"
let wireDecoder = SQSRequestDecoder(accountId: accountId)

/// Decodes a JSON 1.0 request body for `action`.
func decodeJSON(_ action: String, _ body: String) throws(WireError) -> SQSRequest {
    try wireDecoder.decodeJSON(action: action, body: Array(body.utf8)).1
}

/// Decodes a Query request from its parameters (Action included) and path.
func decodeQuery(_ parameters: [String: String], path: String = "/") throws(WireError) -> SQSRequest {
    try wireDecoder.decodeQuery(parameters: parameters, path: path).1
}

/// Runs `body`, expecting a `WireError` with `queryCode`; returns it.
@discardableResult
func expectWireError(
    _ queryCode: String, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> WireError? {
    do {
        try body()
        Issue.record("expected \(queryCode), but decoding succeeded. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        return nil
    } catch let error as WireError {
        #expect(error.queryCode == queryCode, "\(error.message) \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(queryCode), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// The body of an encoded response as text.
func text(_ response: EncodedResponse) -> String {
    String(decoding: response.body, as: UTF8.self)
}

/// The body of an encoded JSON response as a dictionary.
func jsonObject(_ response: EncodedResponse) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
}

/// The value of a header, matched case-insensitively.
func header(_ name: String, in response: EncodedResponse) -> String? {
    response.headers.first { $0.0.lowercased() == name.lowercased() }?.1
}
