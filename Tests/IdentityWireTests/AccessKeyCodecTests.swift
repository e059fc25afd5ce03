import Testing
import WireFormat

@testable import IdentityWire

@Suite("IAM access key requests and answers")
struct AccessKeyCodecTests {
    private func decode(_ parameters: [String: String]) throws(IdentityError) -> AccessKeyRequest {
        let request = try IdentityRequestDecoder.decode(parameters.merging(["Version": "2010-05-08"]) { a, _ in a }, service: .iam)
        guard case .accessKey(let accessKeyRequest) = request else { Issue.record("decoded as \(request)"); throw .internalFailure }
        #expect(request.service == .iam && request.actionName == accessKeyRequest.actionName)
        return accessKeyRequest
    }

    private func violation(_ parameters: [String: String]) -> IdentityError? {
        do {
            _ = try decode(parameters)
            return nil
        } catch { return error }
    }

    @Test("Each action decodes with its members; UserName is optional everywhere")
    func decodesEachAction() throws {
        #expect(try decode(["Action": "CreateAccessKey"]) == .create(userName: nil))
        #expect(try decode(["Action": "CreateAccessKey", "UserName": "a.b@c+d=e,f-g_h"]) == .create(userName: "a.b@c+d=e,f-g_h"))
        #expect(
            try decode(["Action": "ListAccessKeys", "UserName": "bob", "MaxItems": "5", "Marker": "m"])
                == .list(userName: "bob", marker: "m", maxItems: 5))
        #expect(
            try decode(["Action": "UpdateAccessKey", "AccessKeyId": "AKIAAAAAAAAAAAAAAAAA", "Status": "Inactive"])
                == .update(userName: nil, accessKeyId: "AKIAAAAAAAAAAAAAAAAA", status: .inactive))
        #expect(
            try decode(["Action": "DeleteAccessKey", "AccessKeyId": "AKIAAAAAAAAAAAAAAAAA", "UserName": "bob"])
                == .delete(userName: "bob", accessKeyId: "AKIAAAAAAAAAAAAAAAAA"))
        #expect(try decode(["Action": "GetAccessKeyLastUsed", "AccessKeyId": "AKIAAAAAAAAAAAAAAAAA"]) == .lastUsed(accessKeyId: "AKIAAAAAAAAAAAAAAAAA"))
        #expect(AccessKeyRequest.lastUsed(accessKeyId: "AKIAAAAAAAAAAAAAAAAA").userName == nil)
        // STS has none of them.
        #expect(throws: IdentityError.invalidAction("CreateAccessKey", service: .sts)) {
            try IdentityRequestDecoder.decode(["Action": "CreateAccessKey"], service: .sts)
        }
    }

    @Test("Every constraint violation is reported at once, in member order, in IAM's words")
    func reportsViolations() {
        let error = violation(["Action": "UpdateAccessKey", "UserName": "no spaces", "AccessKeyId": "short", "Status": "Paused"])
        #expect(
            error?.message == "3 validation errors detected: "
                + #"Value 'no spaces' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; "#
                + "Value 'short' at 'accessKeyId' failed to satisfy constraint: Member must have length greater than or equal to 16; "
                + "Value 'Paused' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive, Expired]")
        #expect(violation(["Action": "GetAccessKeyLastUsed"])?.code == "ValidationError")
        #expect(violation(["Action": "DeleteAccessKey"])?.message
            == "1 validation error detected: Value null at 'accessKeyId' failed to satisfy constraint: Member must not be null")
        #expect(violation(["Action": "CreateAccessKey", "UserName": String(repeating: "u", count: 129)])?.code == "ValidationError")
        #expect(violation(["Action": "CreateAccessKey", "UserName": String(repeating: "u", count: 128)]) == nil)
        #expect(violation(["Action": "DeleteAccessKey", "AccessKeyId": "AKIA_AAAAAAAAAAAAAAé"])?.code == "ValidationError")
        #expect(violation(["Action": "ListAccessKeys", "MaxItems": "1001"])?.code == "ValidationError")
        #expect(violation(["Action": "ListAccessKeys", "MaxItems": "x"])?.message.contains("Member must be an integer") == true)
        #expect(violation(["Action": "ListAccessKeys", "Marker": ""])?.code == "ValidationError")
        // Expired is in the model's enum, but only the service sets it.
        #expect(violation(["Action": "UpdateAccessKey", "AccessKeyId": "AKIAAAAAAAAAAAAAAAAA", "Status": "Expired"])?.code == "InvalidInput")
    }

    @Test("CreateAccessKey answers with the secret, ListAccessKeys with metadata and a marker, the others with metadata only")
    func encodesAnswers() {
        let key = AccessKeyDescription(userName: "bob", accessKeyId: "AKIAAAAAAAAAAAAAAAAA", status: "Active", createDate: "2026-11-27T10:00:00Z")
        let created = String(
            decoding: IdentityResponseEncoder.encode(.created(key, secretAccessKey: "s3cr3t"), request: .create(userName: "bob"), requestId: "r").body,
            as: UTF8.self)
        #expect(
            created.contains(
                "<CreateAccessKeyResult><AccessKey><UserName>bob</UserName><AccessKeyId>AKIAAAAAAAAAAAAAAAAA</AccessKeyId><Status>Active</Status>"
                    + "<SecretAccessKey>s3cr3t</SecretAccessKey><CreateDate>2026-11-27T10:00:00Z</CreateDate></AccessKey></CreateAccessKeyResult>"))
        let listed = String(
            decoding: IdentityResponseEncoder.encode(
                .listed([key], nextMarker: "next"), request: .list(userName: nil, marker: nil, maxItems: 1), requestId: "r"
            ).body, as: UTF8.self)
        #expect(listed.contains("<ListAccessKeysResult><AccessKeyMetadata><member><UserName>bob</UserName>"))
        #expect(listed.contains("</member></AccessKeyMetadata><IsTruncated>true</IsTruncated><Marker>next</Marker></ListAccessKeysResult>"))
        let unused = String(
            decoding: IdentityResponseEncoder.encode(
                .lastUsed(userName: "bob", nil), request: .lastUsed(accessKeyId: key.accessKeyId), requestId: "r"
            ).body, as: UTF8.self)
        #expect(
            unused.contains(
                "<GetAccessKeyLastUsedResult><UserName>bob</UserName><AccessKeyLastUsed><ServiceName>N/A</ServiceName>"
                    + "<Region>N/A</Region></AccessKeyLastUsed></GetAccessKeyLastUsedResult>"))
        let use = AccessKeyLastUse(lastUsedDate: "2026-11-27T10:01:00Z", serviceName: "sqs", region: "eu-west-2")
        let used = String(
            decoding: IdentityResponseEncoder.encode(
                .lastUsed(userName: "bob", use), request: .lastUsed(accessKeyId: key.accessKeyId), requestId: "r"
            ).body, as: UTF8.self)
        #expect(
            used.contains(
                "<AccessKeyLastUsed><LastUsedDate>2026-11-27T10:01:00Z</LastUsedDate><ServiceName>sqs</ServiceName>"
                    + "<Region>eu-west-2</Region></AccessKeyLastUsed>"))
        let done = IdentityResponseEncoder.encode(.done, request: .delete(userName: nil, accessKeyId: key.accessKeyId), requestId: "r")
        #expect(done.status == 200)
        #expect(
            String(decoding: done.body, as: UTF8.self)
                == #"<?xml version="1.0"?><DeleteAccessKeyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">"#
                + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteAccessKeyResponse>")
    }

    @Test("GetUser and ListUsers decode with IAM's constraints, and answer with Tags only for GetUser")
    func users() throws {
        func decodeUser(_ parameters: [String: String]) throws(IdentityError) -> IdentityRequest {
            try IdentityRequestDecoder.decode(parameters.merging(["Version": "2010-05-08"]) { a, _ in a }, service: .iam)
        }
        #expect(try decodeUser(["Action": "GetUser"]) == .user(.get(userName: nil)))
        #expect(try decodeUser(["Action": "GetUser", "UserName": "bob"]) == .user(.get(userName: "bob")))
        #expect(
            try decodeUser(["Action": "ListUsers", "PathPrefix": "/ops/", "MaxItems": "2", "Marker": "m"])
                == .user(.list(pathPrefix: "/ops/", marker: "m", maxItems: 2)))
        #expect(throws: IdentityError.self) { try decodeUser(["Action": "ListUsers", "PathPrefix": "ops"]) }
        #expect(throws: IdentityError.self) { try decodeUser(["Action": "GetUser", "UserName": "a b"]) }
        #expect(IdentityRequest.user(.get(userName: nil)).namesUser && !IdentityRequest.user(.list(pathPrefix: nil, marker: nil, maxItems: nil)).namesUser)

        let bob = UserDescription(
            path: "/ops/", userName: "bob", userId: "AIDAAAAAAAAAAAAAAAAAA", arn: "arn:aws:iam::000000000000:user/ops/bob",
            createDate: "2026-11-27T10:00:00Z", tags: [(key: "team", value: "a")])
        let one = String(decoding: IdentityResponseEncoder.encode(.user(bob), request: .get(userName: nil), requestId: "r").body, as: UTF8.self)
        #expect(
            one.contains(
                "<GetUserResult><User><Path>/ops/</Path><UserName>bob</UserName><UserId>AIDAAAAAAAAAAAAAAAAAA</UserId>"
                    + "<Arn>arn:aws:iam::000000000000:user/ops/bob</Arn><CreateDate>2026-11-27T10:00:00Z</CreateDate>"
                    + "<Tags><member><Key>team</Key><Value>a</Value></member></Tags></User></GetUserResult>"))
        let many = String(
            decoding: IdentityResponseEncoder.encode(
                .listed([bob], nextMarker: nil), request: .list(pathPrefix: nil, marker: nil, maxItems: nil), requestId: "r"
            ).body, as: UTF8.self)
        #expect(many.contains("<ListUsersResult><Users><member><Path>/ops/</Path>"))
        #expect(many.contains("</CreateDate></member></Users><IsTruncated>false</IsTruncated></ListUsersResult>"))
        #expect(!many.contains("<Tags>"))
    }
}
