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
        let trimmed = value.drop(while: { $0 == " " })
        guard trimmed.hasPrefix(Self.algorithm + " ") else {
            throw ParseError(reason: "Authorization header requires the \(Self.algorithm) algorithm.")
        }
        var fields: [String: String] = [:]
        for part in trimmed.dropFirst(Self.algorithm.count + 1).split(separator: ",") {
            let pair = part.trimmingSpaces()
            guard let equals = pair.firstIndex(of: "=") else {
                throw ParseError(reason: "Authorization header has a malformed element.")
            }
            let key = String(pair[..<equals])
            guard fields[key] == nil else {
                throw ParseError(reason: "Authorization header repeats the '\(key)' element.")
            }
            fields[key] = String(pair[pair.index(after: equals)...])
        }
        var missing: [String] = []
        for name in ["Credential", "SignedHeaders", "Signature"] where fields[name] == nil { missing.append(name) }
        guard missing.isEmpty else {
            throw ParseError(
                reason: "Authorization header requires \(missing.map { "'\($0)'" }.joined(separator: ", ")) parameter(s).")
        }
        let credential = fields["Credential"]!.split(separator: "/", omittingEmptySubsequences: false)
        guard credential.count == 5, !credential[0].isEmpty, credential[4] == "aws4_request" else {
            throw ParseError(reason: "Credential should be scoped to a valid region and service, like 'KEY/DATE/REGION/SERVICE/aws4_request'.")
        }
        accessKeyId = String(credential[0])
        scope = CredentialScope(date: String(credential[1]), region: String(credential[2]), service: String(credential[3]))
        signedHeaders = fields["SignedHeaders"]!.split(separator: ";").map { $0.lowercased() }
        signature = fields["Signature"]!
        guard !signedHeaders.isEmpty, !signature.isEmpty else {
            throw ParseError(reason: "Authorization header has an empty SignedHeaders or Signature.")
        }
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

extension Substring {
    func trimmingSpaces() -> Substring {
        var slice = self
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return slice
    }
}
