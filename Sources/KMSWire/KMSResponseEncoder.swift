import WireFormat

/// Encodes KMS results and errors as AWS JSON 1.1 answers.
public enum KMSResponseEncoder {
    /// The content type of every KMS answer.
    public static let contentType = "application/x-amz-json-1.1"

    /// A 200 answer carrying `response`.
    public static func encode(_ response: KMSResponse, requestId: String) -> EncodedResponse {
        var body: [UInt8] = []
        JSONWriter.write(KMSResultTree.node(for: response), into: &body)
        return EncodedResponse(status: 200, headers: headers(requestId), body: body)
    }

    /// The error's status with `{"__type":"<Name>","message":"…"}` (no `message` when the error has none).
    public static func encode(_ error: KMSError, requestId: String) -> EncodedResponse {
        var members: [(String, OutputNode)] = [("__type", .text(error.type))]
        if let message = error.message { members.append(("message", .text(message))) }
        var body: [UInt8] = []
        JSONWriter.write(.structure(members), into: &body)
        return EncodedResponse(status: error.status, headers: headers(requestId), body: body)
    }

    private static func headers(_ requestId: String) -> [(String, String)] {
        [("Content-Type", contentType), ("x-amzn-RequestId", requestId)]
    }
}
