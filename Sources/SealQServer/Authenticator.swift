import Foundation
import Principals
import SQSWire
import SigV4

/// Stage 2 of the request path: who is calling.
///
/// Verifies the AWS Signature Version 4 of the call (Authorization header or presigned query
/// string: scope, time, payload hash, signature) and maps its access key id to a principal. A
/// call with no signature at all is anonymous: authorization lets it through only where a
/// resource policy grants `"*"`, and otherwise answers MissingAuthenticationToken.
struct Authenticator: Sendable {
    let directory: PrincipalDirectory
    let verifier: SignatureVerifier
    /// False only in `--insecure-skip-auth` benchmarks: every call is the admin's, unverified.
    let enforcing: Bool

    /// Creates the stage for requests scoped to `region`.
    init(directory: PrincipalDirectory, region: String, enforcing: Bool = true) {
        self.directory = directory
        self.verifier = SignatureVerifier(region: region, secrets: { [directory] in directory.secret(forAccessKey: $0) })
        self.enforcing = enforcing
    }

    /// The caller: a principal with the access key it signed with, or nobody.
    struct Identity: Sendable {
        /// The principal; nil for an unsigned (anonymous) call.
        var principal: Principal?
        /// The access key id from the credential.
        var accessKeyId: String?

        /// The anonymous caller.
        static let anonymous = Identity(principal: nil, accessKeyId: nil)
    }

    /// Why a call is not authentic; each service's pipeline words it in its own protocol.
    enum Failure: Error {
        /// The signature is wrong, incomplete, stale, or made with an unknown or inactive key.
        case signature(SignatureVerifier.Failure)
        /// The query string cannot be decoded.
        case malformedQueryString
    }

    /// The access key id `call` claims to be signed with, unverified: recorded when its
    /// authentication fails, so a key's failed attempts can be looked up. Only an id of the form
    /// keys are issued in, or the admin's own: what else a client puts there may be its secret.
    func claimedAccessKeyId(_ call: IncomingCall) -> String? {
        guard let claimed = SignatureVerifier.claimedAccessKeyId(headers: call.headers, queryParameters: (try? call.queryParameters()) ?? [:])
        else { return nil }
        return SignatureVerifier.hasIssuedKeyForm(claimed) || claimed == directory.admin.accessKeyId ? claimed : nil
    }

    /// Authenticates a call to `service`, or throws why it is not authentic.
    func authenticate(_ call: IncomingCall, service: String) throws(Failure) -> Identity {
        guard enforcing else {
            return Identity(principal: directory.principal(forAccessKey: directory.admin.accessKeyId), accessKeyId: directory.admin.accessKeyId)
        }
        let queryParameters: [String: String]
        do { queryParameters = try call.queryParameters() } catch { throw .malformedQueryString }
        let request = SignatureVerifier.Request(
            method: call.method, path: call.path, query: call.query, queryParameters: queryParameters,
            headers: call.headers, body: call.body)
        let accessKeyId: String
        do {
            accessKeyId = try verifier.verify(request, service: service, now: Int64(Date().timeIntervalSince1970))
        } catch .missingAuthenticationToken {
            return .anonymous
        } catch {
            throw .signature(error)
        }
        guard let principal = directory.principal(forAccessKey: accessKeyId) else { throw .signature(.invalidClientTokenId) }
        // SealQ issues no temporary credentials, so any session token is one it did not issue.
        if call.headers["x-amz-security-token"] != nil || queryParameters["X-Amz-Security-Token"] != nil {
            throw .signature(.invalidClientTokenId)
        }
        return Identity(principal: principal, accessKeyId: accessKeyId)
    }
}

extension WireError {
    /// An authentication failure as SQS answers it.
    init(_ failure: Authenticator.Failure) {
        switch failure {
        case .malformedQueryString: self = .malformedQueryString
        case .signature(.missingAuthenticationToken): self = .missingAuthenticationToken
        case .signature(.invalidClientTokenId): self = .invalidClientTokenId
        case .signature(.incompleteSignature(let reason)): self = .incompleteSignature(reason)
        case .signature(.signatureDoesNotMatch(let reason)): self = .signatureDoesNotMatch(reason)
        case .signature(.requestExpired(let reason)): self = .requestExpired(reason)
        }
    }
}
