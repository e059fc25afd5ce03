import SealCrypto

/// Signs HTTP requests with AWS Signature Version 4 (header form).
///
/// Derived signing keys are cached per day, so signing many requests costs one HMAC chain
/// per request plus a SHA-256 of the payload. Not thread-safe (the cache is unguarded): give each
/// thread or event loop its own.
public final class RequestSigner {
    private let accessKeyId: String
    private let secretAccessKey: String
    private let region: String
    private let service: String
    private var cachedKey: (date: String, key: [UInt8])?

    /// A signer for one set of credentials, region and service.
    public init(accessKeyId: String, secretAccessKey: String, region: String, service: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
    }

    /// Returns the headers to add (`X-Amz-Date`, `X-Amz-Content-Sha256` is not added, `Authorization`).
    ///
    /// - Parameters:
    ///   - headers: the headers that will be signed (names in any case); must include `host`.
    ///   - amzDate: the request time as `YYYYMMDD'T'HHMMSS'Z'`.
    public func sign(
        method: String, path: String, query: String, headers: [(String, String)], payload: [UInt8], amzDate: String
    ) -> [(String, String)] {
        var all = headers
        all.append(("x-amz-date", amzDate))
        let canonical = CanonicalRequest(
            method: method, path: path, query: query, headers: all,
            payloadHash: Hex.encode(Digest.sha256(payload)))
        let date = String(amzDate.prefix(8))
        let scope = CredentialScope(date: date, region: region, service: service)
        let stringToSign = canonical.stringToSignBytes(amzDate: amzDate, scope: scope)
        let signature = Hex.encode(HMAC.sha256(key: signingKey(date: date), message: stringToSign))
        let authorization = "\(AuthorizationHeader.algorithm) Credential=\(accessKeyId)/\(scope.path), "
            + "SignedHeaders=\(canonical.signedHeaderList), Signature=\(signature)"
        return [("X-Amz-Date", amzDate), ("Authorization", authorization)]
    }

    private func signingKey(date: String) -> [UInt8] {
        if let cachedKey, cachedKey.date == date { return cachedKey.key }
        let key = SigningKey.derive(secretAccessKey: secretAccessKey, date: date, region: region, service: service)
        cachedKey = (date, key)
        return key
    }
}

/// The SigV4 signing-key derivation chain.
public enum SigningKey {
    /// `HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request")`.
    public static func derive(secretAccessKey: String, date: String, region: String, service: String) -> [UInt8] {
        var key = HMAC.sha256(key: Array(("AWS4" + secretAccessKey).utf8), message: Array(date.utf8))
        key = HMAC.sha256(key: key, message: Array(region.utf8))
        key = HMAC.sha256(key: key, message: Array(service.utf8))
        return HMAC.sha256(key: key, message: Array("aws4_request".utf8))
    }
}
