import Foundation
import SQSWire
import SigV4

/// Stage 2 of the request path: who is calling.
///
/// Verifies the AWS Signature Version 4 of the call (Authorization header or presigned query
/// string: scope, time, payload hash, signature) and maps its access key id to a principal.
struct Authenticator: Sendable {
    let directory: PrincipalDirectory
    let verifier: SignatureVerifier

    /// Creates the stage for requests scoped to `region`.
    init(directory: PrincipalDirectory, region: String) {
        self.directory = directory
        self.verifier = SignatureVerifier(region: region, secrets: { [directory] in directory.secret(forAccessKey: $0) })
    }

    /// The calling principal and the access key it used.
    struct Identity: Sendable {
        /// The principal.
        var principal: Principal
        /// The access key id from the credential.
        var accessKeyId: String
    }

    /// Authenticates a call to `service`, or throws the AWS authentication error it deserves.
    func authenticate(_ call: IncomingCall, service: String) throws(WireError) -> Identity {
        let queryParameters = try call.queryParameters()
        let request = SignatureVerifier.Request(
            method: call.method, path: call.path, query: call.query, queryParameters: queryParameters,
            headers: call.headers, body: call.body)
        let accessKeyId: String
        do {
            accessKeyId = try verifier.verify(request, service: service, now: Int64(Date().timeIntervalSince1970))
        } catch {
            switch error {
            case .missingAuthenticationToken: throw .missingAuthenticationToken
            case .invalidClientTokenId: throw .invalidClientTokenId
            case .incompleteSignature(let reason): throw .incompleteSignature(reason)
            case .signatureDoesNotMatch(let reason): throw .signatureDoesNotMatch(reason)
            case .requestExpired(let reason): throw .requestExpired(reason)
            }
        }
        guard let principal = directory.principal(forAccessKey: accessKeyId) else { throw .invalidClientTokenId }
        return Identity(principal: principal, accessKeyId: accessKeyId)
    }
}
