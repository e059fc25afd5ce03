import SQSWire
import SigV4

/// Stage 2 of the request path: who is calling.
///
/// Reads the SigV4 `Authorization` header (or the presigned `X-Amz-Credential` query
/// parameter) and maps its access key id to a principal. Signature verification itself is
/// the next step of this stage (issue 4); the stage's interface stays as it is.
struct Authenticator: Sendable {
    let directory: PrincipalDirectory

    /// The calling principal and the access key it used.
    struct Identity: Sendable {
        /// The principal.
        var principal: Principal
        /// The access key id from the credential.
        var accessKeyId: String
    }

    /// Authenticates a call, or throws the AWS authentication error it deserves.
    func authenticate(_ call: IncomingCall, queryParameters: [String: String]) throws(WireError) -> Identity {
        let accessKeyId: String
        if let header = call.headers["authorization"] {
            do {
                accessKeyId = try AuthorizationHeader(parsing: header).accessKeyId
            } catch {
                throw WireError.incompleteSignature((error as? AuthorizationHeader.ParseError)?.reason ?? "Authorization header is malformed.")
            }
        } else if let credential = queryParameters["X-Amz-Credential"] {
            guard let key = credential.split(separator: "/").first, !key.isEmpty else {
                throw WireError.incompleteSignature("X-Amz-Credential is malformed.")
            }
            accessKeyId = String(key)
        } else {
            throw WireError.missingAuthenticationToken
        }
        guard let principal = directory.principal(forAccessKey: accessKeyId) else { throw WireError.invalidClientTokenId }
        return Identity(principal: principal, accessKeyId: accessKeyId)
    }
}
