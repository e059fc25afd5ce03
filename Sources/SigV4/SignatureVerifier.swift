import SealCrypto
import Foundation
import Synchronization

/// Verifies AWS Signature Version 4 on incoming requests: the Authorization-header form and
/// the presigned query-string form, the credential scope, the request time, the payload hash,
/// and the signature itself (compared in constant time). Derived signing keys are cached.
public final class SignatureVerifier: Sendable {
    /// A request as the verifier needs it.
    public struct Request: Sendable {
        /// HTTP method.
        public var method: String
        /// The path as sent, without the query.
        public var path: String
        /// The raw query string, without `?`.
        public var query: String
        /// The decoded query parameters.
        public var queryParameters: [String: String]
        /// Header values by lower-case name (repeated headers joined with `,`).
        public var headers: [String: String]
        /// The body.
        public var body: [UInt8]

        /// Creates a request.
        public init(
            method: String, path: String, query: String, queryParameters: [String: String], headers: [String: String],
            body: [UInt8]
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.queryParameters = queryParameters
            self.headers = headers
            self.body = body
        }
    }

    /// Why a request is not authentic; each case is one AWS error code.
    public enum Failure: Error, Sendable, Equatable {
        /// No signature at all (`MissingAuthenticationToken`).
        case missingAuthenticationToken
        /// A malformed or incomplete signature (`IncompleteSignature`).
        case incompleteSignature(String)
        /// The access key id is unknown (`InvalidClientTokenId`).
        case invalidClientTokenId
        /// The signature or its scope is wrong (`SignatureDoesNotMatch`).
        case signatureDoesNotMatch(String)
        /// A presigned request past its expiry or not yet valid (`RequestExpired`). A header-signed
        /// request out of the 15-minute window is a `signatureDoesNotMatch`, as on AWS.
        case requestExpired(String)
    }

    /// Where the verifier finds secrets: the secret access key of an access key id, if known.
    public typealias SecretLookup = @Sendable (String) -> String?

    private let region: String
    private let secrets: SecretLookup
    /// Derived signing keys (prepared for HMAC) by access key id and scope, with the secret they
    /// were derived from.
    private let signingKeys = Mutex<[SigningKeyName: (secret: String, key: HMACSHA256Key)]>([:])

    /// What a derived signing key is cached under.
    private struct SigningKeyName: Hashable {
        var accessKeyId: String
        var date: String
        var region: String
        var service: String
    }
    /// How far the request time may be from the server's clock.
    public static let allowedSkewSeconds: Int64 = 15 * 60

    /// A verifier for requests scoped to `region`.
    public init(region: String, secrets: @escaping SecretLookup) {
        self.region = region
        self.secrets = secrets
    }

    /// The header that selects what a request does: `x-amz-target`, the JSON protocols' action.
    static let operationHeader = "x-amz-target"

    /// Verifies `request` for `service` at `now` (seconds since the epoch); returns the access key id.
    public func verify(_ request: Request, service: String, now: Int64) throws(Failure) -> String {
        let claim = try Self.claim(of: request)
        guard let secret = secrets(claim.accessKeyId) else { throw .invalidClientTokenId }
        guard let requestTime = AmzDate.seconds(claim.amzDate) else {
            throw .incompleteSignature("Date must be in ISO-8601 'basic format'. Got '\(claim.amzDate)'.")
        }
        guard claim.scope.date == String(claim.amzDate.prefix(8)) else {
            throw .signatureDoesNotMatch("Credential should be scoped to a valid date, not '\(claim.scope.date)'.")
        }
        // IAM is global: AWS accepts only us-east-1 for it, so a client set up for real IAM
        // signs that whatever the daemon's region, and one set up for the daemon signs its region.
        guard claim.scope.region == region || (service == "iam" && claim.scope.region == "us-east-1") else {
            throw .signatureDoesNotMatch("Credential should be scoped to a valid region, not '\(claim.scope.region)'.")
        }
        guard claim.scope.service == service else {
            throw .signatureDoesNotMatch("Credential should be scoped to correct service: '\(service)'.")
        }
        if let expires = claim.expiresSeconds {
            // X-Amz-Expires may only shorten a presigned request's life: outside S3, AWS services
            // honour a signature for about 15 minutes whatever it asks for.
            guard now <= requestTime + min(expires, Self.allowedSkewSeconds) else { throw .requestExpired("Request has expired.") }
            guard requestTime - now <= Self.allowedSkewSeconds else { throw .requestExpired("Request is not yet valid.") }
        } else if now - requestTime > Self.allowedSkewSeconds {
            // A header-signed request out of the window is a signature mismatch on AWS, worded so.
            throw .signatureDoesNotMatch(
                "Signature expired: \(claim.amzDate) is now earlier than \(AmzDate.text(seconds: now - Self.allowedSkewSeconds)) (\(AmzDate.text(seconds: now)) - 15 min.)")
        } else if requestTime - now > Self.allowedSkewSeconds {
            throw .signatureDoesNotMatch(
                "Signature not yet current: \(claim.amzDate) is still later than \(AmzDate.text(seconds: now + Self.allowedSkewSeconds)) (\(AmzDate.text(seconds: now)) + 15 min.)")
        }
        guard claim.signedHeaders.contains("host") else {
            throw .signatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        }
        // The headers that choose the service, protocol and action must be signed when present,
        // or a captured request (or a presigned URL) could be replayed as another action.
        if request.headers[Self.operationHeader] != nil && !claim.signedHeaders.contains(Self.operationHeader) {
            throw .signatureDoesNotMatch("'\(Self.operationHeader)' must be a signed header.")
        }
        // Content-Type decides whether a form body is read. Signers that sign only Host and
        // X-Amz-* (boto 2, awscurl) leave it out, which is safe unless the query string carries
        // parameters too: then dropping it would let the query string's parameters stand alone.
        if request.headers["content-type"] != nil && !claim.signedHeaders.contains("content-type")
            && Self.carriesParameters(claim.query)
        {
            throw .signatureDoesNotMatch("'content-type' must be a signed header when the query string carries parameters.")
        }
        var signed: [(String, String)] = []
        for name in claim.signedHeaders {
            guard let value = request.headers[name] else {
                throw .signatureDoesNotMatch("The request does not carry the signed header '\(name)'.")
            }
            signed.append((name, value))
        }
        let bodyHash = Hex.encode(Digest.sha256(request.body))
        var payloadHash = bodyHash
        if let declared = request.headers["x-amz-content-sha256"] {
            // UNSIGNED-PAYLOAD is S3's; on these services the body is always signed, or anyone
            // who saw a signed request could replay its headers with another body (another
            // action). It is accepted only where there is no body to swap.
            guard declared == bodyHash || (declared == "UNSIGNED-PAYLOAD" && request.body.isEmpty) else {
                throw .signatureDoesNotMatch("The provided 'x-amz-content-sha256' header does not match what was computed.")
            }
            payloadHash = declared
        }
        let key = signingKey(accessKeyId: claim.accessKeyId, secret: secret, scope: claim.scope)
        let given = Self.bytes(fromHex: claim.signature) ?? []
        // The RFC 3986 form first; then the query exactly as sent, which clients that sign a
        // URL they encoded themselves (spaces as `+`) use.
        func signs(_ query: String) -> Bool {
            let canonical = CanonicalRequest(
                method: request.method, path: request.path, query: query, headers: signed, payloadHash: payloadHash,
                queryIsCanonical: true)
            let stringToSign = canonical.stringToSignBytes(amzDate: claim.amzDate, scope: claim.scope)
            return HMAC.constantTimeEquals(key.authenticationCode(stringToSign), given)
        }
        let strict = CanonicalRequest.canonicalQuery(claim.query)
        if signs(strict) { return claim.accessKeyId }
        let raw = CanonicalRequest.sortedRawQuery(claim.query)
        if raw != strict && signs(raw) { return claim.accessKeyId }
        throw .signatureDoesNotMatch(
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
    }

    /// The service named in the credential scope of a signed request (`sqs`, `kms`, `iam`,
    /// `sts`, …), without verifying anything: how one endpoint tells services apart.
    public static func scopedService(headers: [String: String], queryParameters: [String: String]) -> String? {
        guard let parts = credential(headers: headers, queryParameters: queryParameters), parts.count == 5 else { return nil }
        return String(parts[3])
    }

    /// The access key id a request claims to be signed with, without verifying anything: for
    /// recording who a refused signature claimed to be (see `hasIssuedKeyForm`). Nil unless the
    /// Credential has its five parts: a secret holding `/` put in the key id's place would
    /// otherwise give its first part.
    public static func claimedAccessKeyId(headers: [String: String], queryParameters: [String: String]) -> String? {
        guard let parts = credential(headers: headers, queryParameters: queryParameters), parts.count == 5, !parts[0].isEmpty
        else { return nil }
        return String(parts[0])
    }

    /// Whether `text` has the form of the access key ids AWS and SealQ issue: 16 to 128 capital
    /// letters and digits. A client that swapped its key id and secret claims its secret as the
    /// key id, which must never be recorded: base64 secrets hold lower-case letters, `+` or `/`.
    public static func hasIssuedKeyForm(_ text: String) -> Bool {
        (16...128).contains(text.utf8.count)
            && text.utf8.allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The `/`-separated parts of the request's Credential (header or presigned), if any.
    private static func credential(headers: [String: String], queryParameters: [String: String]) -> [Substring]? {
        let credential: Substring
        if let header = headers["authorization"], let start = header.range(of: "Credential=") {
            credential = header[start.upperBound...].prefix { $0 != "," && $0 != " " }
        } else if let parameter = queryParameters["X-Amz-Credential"] {
            credential = Substring(parameter)
        } else {
            return nil
        }
        return credential.split(separator: "/", omittingEmptySubsequences: false)
    }

    private struct Claim {
        var accessKeyId: String
        var scope: CredentialScope
        var signedHeaders: [String]
        var signature: String
        var amzDate: String
        var expiresSeconds: Int64?
        /// The query whose pairs were signed (without `X-Amz-Signature` when presigned).
        var query: String
    }

    private static func claim(of request: Request) throws(Failure) -> Claim {
        if let header = request.headers["authorization"] {
            // One request, one signature: AWS refuses a request signed both ways.
            guard request.queryParameters["X-Amz-Algorithm"] == nil else {
                throw .signatureDoesNotMatch("Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.")
            }
            let parsed: AuthorizationHeader
            do { parsed = try AuthorizationHeader(parsing: header) } catch { throw .incompleteSignature(error.reason) }
            // X-Amz-Date wins; without it, the Date header stands in (AWS's common parameters), in
            // ISO 8601 basic format or HTTP's own (which botocore signs with when a request has one).
            guard let amzDate = request.headers["x-amz-date"] ?? request.headers["date"].map({ AmzDate.fromDateHeader($0) ?? $0 }) else {
                throw .incompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
            }
            return Claim(
                accessKeyId: parsed.accessKeyId, scope: parsed.scope, signedHeaders: parsed.signedHeaders,
                signature: parsed.signature, amzDate: amzDate, expiresSeconds: nil, query: request.query)
        }
        let parameters = request.queryParameters
        guard parameters["X-Amz-Signature"] != nil || parameters["X-Amz-Credential"] != nil else {
            throw .missingAuthenticationToken
        }
        let names = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Expires"]
        for name in names where request.query.split(separator: "&").filter({ $0.hasPrefix(name + "=") }).count > 1 {
            throw .incompleteSignature("AWS query-string parameter '\(name)' must appear once.")
        }
        var missing: [String] = []
        for name in names.dropLast() where parameters[name] == nil {
            missing.append(name)
        }
        guard missing.isEmpty else {
            throw .incompleteSignature("AWS query-string parameters must include \(missing.map { "'\($0)'" }.joined(separator: ", ")).")
        }
        guard parameters["X-Amz-Algorithm"] == AuthorizationHeader.algorithm else {
            throw .incompleteSignature("X-Amz-Algorithm must be \(AuthorizationHeader.algorithm).")
        }
        let credential = parameters["X-Amz-Credential"]!.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard credential.count == 5, !credential[0].isEmpty, credential[4] == "aws4_request" else {
            throw .incompleteSignature("Credential should be scoped to a valid region and service, like 'KEY/DATE/REGION/SERVICE/aws4_request'.")
        }
        var expires: Int64 = 900
        if let text = parameters["X-Amz-Expires"] {
            guard let value = Int64(text), (1...604_800).contains(value) else {
                throw .incompleteSignature("X-Amz-Expires must be a number of seconds between 1 and 604800.")
            }
            expires = value
        }
        let unsigned = request.query.split(separator: "&").filter { !$0.hasPrefix("X-Amz-Signature=") }.joined(separator: "&")
        return Claim(
            accessKeyId: credential[0],
            scope: CredentialScope(date: credential[1], region: credential[2], service: credential[3]),
            signedHeaders: parameters["X-Amz-SignedHeaders"]!.split(separator: ";").map { $0.lowercased() },
            signature: parameters["X-Amz-Signature"]!, amzDate: parameters["X-Amz-Date"]!, expiresSeconds: expires,
            query: unsigned)
    }

    private func signingKey(accessKeyId: String, secret: String, scope: CredentialScope) -> HMACSHA256Key {
        let cacheKey = SigningKeyName(accessKeyId: accessKeyId, date: scope.date, region: scope.region, service: scope.service)
        if let cached = signingKeys.withLock({ $0[cacheKey] }), cached.secret == secret { return cached.key }
        let key = HMACSHA256Key(key: SigningKey.derive(secretAccessKey: secret, date: scope.date, region: scope.region, service: scope.service))
        signingKeys.withLock { keys in
            if keys.count > 1024 { keys.removeAll() }
            keys[cacheKey] = (secret, key)
        }
        return key
    }

    /// The 32 bytes of a signature's 64 hex digits; nil for anything else.
    /// Whether `query` has a parameter besides the X-Amz-* ones of a presigned URL.
    private static func carriesParameters(_ query: String) -> Bool {
        query.split(separator: "&").contains { !$0.hasPrefix("X-Amz-") }
    }

    private static func bytes(fromHex text: String) -> [UInt8]? {
        guard text.utf8.count == 64 else { return nil }
        return Hex.decode(text)
    }
}
