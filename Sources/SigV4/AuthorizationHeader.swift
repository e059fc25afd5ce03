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
    public init(parsing value: String) throws {
        let bytes = Array(value.utf8)
        var index = 0
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        let prefix = Array((Self.algorithm + " ").utf8)
        guard bytes.count - index >= prefix.count, Array(bytes[index..<index + prefix.count]) == prefix else {
            throw ParseError(reason: "Authorization header requires the \(Self.algorithm) algorithm.")
        }
        var credential: String?
        var signedHeaders: String?
        var signature: String?
        for part in bytes[(index + prefix.count)...].split(separator: UInt8(ascii: ",")) {
            let pair = Self.trimmed(part)
            guard let equals = pair.firstIndex(of: UInt8(ascii: "=")) else {
                throw ParseError(reason: "Authorization header has a malformed element.")
            }
            let key = String(decoding: pair[..<equals], as: UTF8.self)
            let text = String(decoding: pair[(equals + 1)...], as: UTF8.self)
            switch key {
            case "Credential": try Self.store(text, key, in: &credential)
            case "SignedHeaders": try Self.store(text, key, in: &signedHeaders)
            case "Signature": try Self.store(text, key, in: &signature)
            default: continue
            }
        }
        var missing: [String] = []
        if credential == nil { missing.append("'Credential'") }
        if signedHeaders == nil { missing.append("'SignedHeaders'") }
        if signature == nil { missing.append("'Signature'") }
        guard let credential, let signedHeaders, let signature else {
            throw ParseError(reason: "Authorization header requires \(missing.joined(separator: ", ")) parameter(s).")
        }
        let scopeParts = credential.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard scopeParts.count == 5, !scopeParts[0].isEmpty, scopeParts[4] == "aws4_request" else {
            throw ParseError(reason: "Credential should be scoped to a valid region and service, like 'KEY/DATE/REGION/SERVICE/aws4_request'.")
        }
        accessKeyId = scopeParts[0]
        scope = CredentialScope(date: scopeParts[1], region: scopeParts[2], service: scopeParts[3])
        self.signedHeaders = signedHeaders.utf8.split(separator: UInt8(ascii: ";")).map { name in
            // SigV4 signs lower-case names; fold ASCII capitals without Unicode case mapping.
            String(decoding: name.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        }
        self.signature = signature
        guard !self.signedHeaders.isEmpty, !signature.isEmpty else {
            throw ParseError(reason: "Authorization header has an empty SignedHeaders or Signature.")
        }
    }

    private static func store(_ value: String, _ key: String, in slot: inout String?) throws {
        guard slot == nil else { throw ParseError(reason: "Authorization header repeats the '\(key)' element.") }
        slot = value
    }

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while slice.first == UInt8(ascii: " ") { slice = slice.dropFirst() }
        while slice.last == UInt8(ascii: " ") { slice = slice.dropLast() }
        return slice
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
