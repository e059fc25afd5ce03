import Foundation
import WireFormat

/// Encodes identity results and errors as the Query protocol's XML, as IAM and STS answer.
public enum IdentityResponseEncoder {
    /// The `SimulateCustomPolicyResponse` or `SimulatePrincipalPolicyResponse` document.
    public static func encode(_ result: SimulationResult, operation: SimulationOperation, requestId: String) -> EncodedResponse {
        envelope(action: operation.actionName, service: .iam, result: IdentityResultTree.simulation(result), requestId: requestId)
    }

    /// The `GetCallerIdentityResponse` document.
    public static func encode(_ identity: CallerIdentity, requestId: String) -> EncodedResponse {
        envelope(action: "GetCallerIdentity", service: .sts, result: IdentityResultTree.callerIdentity(identity), requestId: requestId)
    }

    /// The answer of an access key operation (`CreateAccessKeyResponse`, …); `UpdateAccessKey`
    /// and `DeleteAccessKey` answer with their response metadata only.
    public static func encode(_ result: AccessKeyResult, request: AccessKeyRequest, requestId: String) -> EncodedResponse {
        let tree: OutputNode? =
            switch result {
            case .created(let key, let secret): IdentityResultTree.createdAccessKey(key, secretAccessKey: secret)
            case .listed(let keys, let marker): IdentityResultTree.accessKeyList(keys, nextMarker: marker)
            case .done: nil
            case .lastUsed(let userName, let use): IdentityResultTree.accessKeyLastUse(userName: userName, use)
            }
        return envelope(action: request.actionName, service: .iam, result: tree, requestId: requestId)
    }

    /// The `GetUserResponse` or `ListUsersResponse` document.
    public static func encode(_ result: UserResult, request: UserRequest, requestId: String) -> EncodedResponse {
        let tree: OutputNode =
            switch result {
            case .user(let user): .structure([("User", IdentityResultTree.user(user, withTags: true))])
            case .listed(let users, let marker): IdentityResultTree.userList(users, nextMarker: marker)
            }
        return envelope(action: request.actionName, service: .iam, result: tree, requestId: requestId)
    }

    /// The `GenerateCredentialReportResponse` document: the report is complete.
    public static func encodeReportState(requestId: String) -> EncodedResponse {
        envelope(action: "GenerateCredentialReport", service: .iam, result: .structure([("State", .text("COMPLETE"))]), requestId: requestId)
    }

    /// The `GetCredentialReportResponse` document: the CSV, Base64-encoded, its format and date.
    public static func encode(_ report: CredentialReport, requestId: String) -> EncodedResponse {
        let result: OutputNode = .structure([
            ("Content", .text(Data(report.csv.utf8).base64EncodedString())), ("ReportFormat", .text("text/csv")),
            ("GeneratedTime", .text(report.generatedTime)),
        ])
        return envelope(action: "GetCredentialReport", service: .iam, result: result, requestId: requestId)
    }

    /// The `ErrorResponse` document of `error`, in `service`'s namespace, with the error's HTTP status.
    public static func encode(_ error: IdentityError, service: IdentityService, requestId: String) -> EncodedResponse {
        var body = Array("<?xml version=\"1.0\"?><ErrorResponse xmlns=\"\(service.xmlNamespace)\">".utf8)
        let fields: OutputNode = .structure([
            ("Type", .text(error.senderFault ? "Sender" : "Receiver")), ("Code", .text(error.code)), ("Message", .text(error.message)),
        ])
        XMLWriter.element("Error", fields, into: &body)
        XMLWriter.element("RequestId", .text(requestId), into: &body)
        body += Array("</ErrorResponse>".utf8)
        return response(status: error.status, body: body, requestId: requestId)
    }

    private static func envelope(action: String, service: IdentityService, result: OutputNode?, requestId: String) -> EncodedResponse {
        var body = Array("<?xml version=\"1.0\"?><\(action)Response xmlns=\"\(service.xmlNamespace)\">".utf8)
        if let result { XMLWriter.element("\(action)Result", wrappingLists(result), into: &body) }
        XMLWriter.element("ResponseMetadata", .structure([("RequestId", .text(requestId))]), into: &body)
        body += Array("</\(action)Response>".utf8)
        return response(status: 200, body: body, requestId: requestId)
    }

    private static func response(status: Int, body: [UInt8], requestId: String) -> EncodedResponse {
        EncodedResponse(status: status, headers: [("Content-Type", "text/xml"), ("x-amzn-RequestId", requestId)], body: body)
    }

    /// IAM and STS never flatten lists or maps: `XMLWriter` writes items bare, so each list or map goes inside a
    /// structure whose one member carries the items (`<Name><member>…</member></Name>`).
    static func wrappingLists(_ node: OutputNode) -> OutputNode {
        switch node {
        case .text, .boolean, .number, .null:
            return node
        case .structure(let members):
            return .structure(members.map { ($0.0, wrappingLists($0.1)) })
        case .list(let itemName, let items):
            return .structure([(itemName, .list(itemName: itemName, items.map(wrappingLists)))])
        case .map(let entryName, let keyName, let valueName, let entries):
            let wrapped = entries.map { ($0.0, wrappingLists($0.1)) }
            return .structure([(entryName, .map(entryName: entryName, keyName: keyName, valueName: valueName, wrapped))])
        }
    }
}
