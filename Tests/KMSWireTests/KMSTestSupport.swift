import Foundation

@testable import KMSWire

/// Decodes `json` as `action`'s body.
func decode(_ action: KMSAction, _ json: String) throws(KMSError) -> KMSRequest {
    try KMSRequestDecoder.decode(action, body: Array(json.utf8))
}

/// The error decoding `json` as `action` throws, or nil when it decodes.
func decodingError(_ action: KMSAction, _ json: String) -> KMSError? {
    do {
        _ = try decode(action, json)
        return nil
    } catch {
        return error
    }
}

/// `bytes` as base64.
func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

/// The UTF-8 text of an encoded body.
func text(_ body: [UInt8]) -> String { String(decoding: body, as: UTF8.self) }

/// A test key ARN.
let keyArn = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
