/// The parts of an `Authorization: AWS4-HMAC-SHA256 …` header.
public struct AuthorizationHeader: Sendable, Equatable {
    /// The access key id named in the credential.
    public var accessKeyId: String
    /// The credential scope that follows the access key id.
    public var scope: CredentialScope
    /// Lowercase names of the signed headers, in the order given.
    public var signedHeaders: [String]
    /// The hex signature.
    public var signature: String

    /// Why a header could not be parsed; the text is safe to show the caller.
    public struct ParseError: Error, Sendable, Equatable {
        /// What is wrong with the header, without echoing secrets.
        public var reason: String
    }

    /// The only algorithm SigV4 defines.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// Parses the header value; throws `ParseError` naming the missing or malformed part.
    public init(parsing value: String) throws(ParseError) {
        var text = value
        let parsed = text.withUTF8 { bytes in Result { () throws(ParseError) in try Self.parse(bytes) } }
        (accessKeyId, scope, signedHeaders, signature) = try parsed.get()
    }

    private static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>
    ) throws(ParseError) -> (String, CredentialScope, [String], String) {
        var start = 0
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        let prefix = Self.algorithmBytes
        guard bytes.count - start > prefix.count, Self.matches(bytes, start..<start + prefix.count, prefix),
            bytes[start + prefix.count] == UInt8(ascii: " ")
        else {
            throw ParseError(reason: "Authorization header requires the \(Self.algorithm) algorithm.")
        }
        // Elements are `name=value`, separated by commas and optional spaces.
        var credential: Range<Int>?
        var signedHeaders: Range<Int>?
        var signature: Range<Int>?
        var cursor = start + prefix.count + 1
        while cursor <= bytes.count {
            var end = cursor
            while end < bytes.count, bytes[end] != UInt8(ascii: ",") { end += 1 }
            var first = cursor
            var last = end
            while first < last, bytes[first] == UInt8(ascii: " ") { first += 1 }
            while last > first, bytes[last - 1] == UInt8(ascii: " ") { last -= 1 }
            cursor = end + 1
            if first == last { continue }
            guard let equals = bytes[first..<last].firstIndex(of: UInt8(ascii: "=")) else {
                throw ParseError(reason: "Authorization header has a malformed element.")
            }
            let text = (equals + 1)..<last
            if Self.matches(bytes, first..<equals, Self.credentialName) {
                try Self.store(text, "Credential", in: &credential)
            } else if Self.matches(bytes, first..<equals, Self.signedHeadersName) {
                try Self.store(text, "SignedHeaders", in: &signedHeaders)
            } else if Self.matches(bytes, first..<equals, Self.signatureName) {
                try Self.store(text, "Signature", in: &signature)
            }
        }
        var missing: [String] = []
        if credential == nil { missing.append("'Credential'") }
        if signedHeaders == nil { missing.append("'SignedHeaders'") }
        if signature == nil { missing.append("'Signature'") }
        guard let credential, let signedHeaders, let signature else {
            throw ParseError(reason: "Authorization header requires \(missing.joined(separator: ", ")) parameter(s).")
        }
        let scopeParts = Self.ranges(of: bytes, in: credential, separatedBy: UInt8(ascii: "/"))
        guard scopeParts.count == 5, !scopeParts[0].isEmpty, Self.matches(bytes, scopeParts[4], Self.terminator) else {
            throw ParseError(reason: "Credential should be scoped to a valid region and service, like 'KEY/DATE/REGION/SERVICE/aws4_request'.")
        }
        func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        let accessKeyId = text(scopeParts[0])
        let scope = CredentialScope(date: text(scopeParts[1]), region: text(scopeParts[2]), service: text(scopeParts[3]))
        // SigV4 signs lower-case names; fold ASCII capitals without Unicode case mapping.
        let headerNames = Self.ranges(of: bytes, in: signedHeaders, separatedBy: UInt8(ascii: ";")).filter { !$0.isEmpty }.map { range in
            bytes[range].contains(where: { (65...90).contains($0) })
                ? String(decoding: bytes[range].map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
                : text(range)
        }
        guard !headerNames.isEmpty, !signature.isEmpty else {
            throw ParseError(reason: "Authorization header has an empty SignedHeaders or Signature.")
        }
        return (accessKeyId, scope, headerNames, text(signature))
    }

    private static let algorithmBytes = Array(algorithm.utf8)
    private static let credentialName = Array("Credential".utf8)
    private static let signedHeadersName = Array("SignedHeaders".utf8)
    private static let signatureName = Array("Signature".utf8)
    private static let terminator = Array("aws4_request".utf8)

    /// Whether `bytes[range]` is exactly `expected`.
    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ expected: [UInt8]) -> Bool {
        guard range.count == expected.count else { return false }
        var index = range.lowerBound
        for byte in expected {
            guard bytes[index] == byte else { return false }
            index += 1
        }
        return true
    }

    /// The ranges between `separator` bytes within `range` (empty ones included).
    private static func ranges(of bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>, separatedBy separator: UInt8) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        parts.reserveCapacity(5)
        var start = range.lowerBound
        for index in range where bytes[index] == separator {
            parts.append(start..<index)
            start = index + 1
        }
        parts.append(start..<range.upperBound)
        return parts
    }

    private static func store(_ value: Range<Int>, _ key: String, in slot: inout Range<Int>?) throws(ParseError) {
        guard slot == nil else { throw ParseError(reason: "Authorization header repeats the '\(key)' element.") }
        slot = value
    }
}

/// The date, region and service a signature is scoped to.
public struct CredentialScope: Sendable, Equatable {
    /// `YYYYMMDD`.
    public var date: String
    /// Region name, such as `us-east-1`.
    public var region: String
    /// Service name, such as `sqs`.
    public var service: String

    /// Creates a scope.
    public init(date: String, region: String, service: String) {
        self.date = date
        self.region = region
        self.service = service
    }

    /// `date/region/service/aws4_request`.
    public var path: String { "\(date)/\(region)/\(service)/aws4_request" }
}
