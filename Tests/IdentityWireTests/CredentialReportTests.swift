import Foundation
import Testing

@testable import IdentityWire

@Suite("IAM credential report")
struct CredentialReportTests {
    private let root = CredentialReport.User(
        name: "<root_account>", arn: "arn:aws:iam::000000000000:root", creationTime: "2026-01-01T00:00:00Z", accessKeys: [])

    @Test("The root's row, then one per user with two key slots, N/A where nothing is known")
    func rows() {
        let used = AccessKeyLastUse(lastUsedDate: "2026-11-27T10:01:00Z", serviceName: "sqs", region: "eu-west-2")
        let report = CredentialReport(
            root: root,
            users: [
                .init(name: "bob", arn: "arn:aws:iam::000000000000:user/bob", creationTime: "2026-01-02T00:00:00Z", accessKeys: [
                    .init(active: true, createDate: "2026-11-01T09:00:00Z", lastUse: used),
                    .init(active: false, createDate: "2026-11-02T09:00:00Z", lastUse: nil),
                ]),
                .init(name: "eve", arn: "arn:aws:iam::000000000000:user/eve", creationTime: "2026-01-02T00:00:00Z", accessKeys: []),
            ],
            generatedTime: "2026-11-27T11:00:00Z")
        let lines = report.csv.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0] == CredentialReport.columns.joined(separator: ","))
        #expect(CredentialReport.columns.count == 22)
        #expect(
            lines[1] == "<root_account>,arn:aws:iam::000000000000:root,2026-01-01T00:00:00+00:00,not_supported,no_information,"
                + "not_supported,not_supported,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
        #expect(
            lines[2] == "bob,arn:aws:iam::000000000000:user/bob,2026-01-02T00:00:00+00:00,false,N/A,N/A,N/A,false,"
                + "true,2026-11-01T09:00:00+00:00,2026-11-27T10:01:00+00:00,eu-west-2,sqs,"
                + "false,2026-11-02T09:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A")
        #expect(lines[3].hasPrefix("eve,arn:aws:iam::000000000000:user/eve,2026-01-02T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A"))
        for line in lines { #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == 22) }
    }

    @Test("A field holding a comma or a quote is quoted as RFC 4180 asks (IAM user names may hold commas)")
    func quoting() {
        let report = CredentialReport(
            root: root,
            users: [.init(name: "a,b", arn: "arn:aws:iam::000000000000:user/a,b", creationTime: "2026-01-02T00:00:00Z", accessKeys: [])],
            generatedTime: "2026-11-27T11:00:00Z")
        let row = report.csv.split(separator: "\n")[2]
        #expect(row.hasPrefix(#""a,b","arn:aws:iam::000000000000:user/a,b",2026-01-02T00:00:00+00:00,"#))
    }

    @Test("GetCredentialReport carries the CSV Base64-encoded, with its format and date")
    func encoding() throws {
        let report = CredentialReport(root: root, users: [], generatedTime: "2026-11-27T11:00:00Z")
        let body = String(decoding: IdentityResponseEncoder.encode(report, requestId: "r").body, as: UTF8.self)
        let content = try #require(body.firstRange(of: "<Content>").map { body[$0.upperBound...] }?.prefix { $0 != "<" })
        #expect(Data(base64Encoded: String(content)).map { String(decoding: $0, as: UTF8.self) } == report.csv)
        #expect(body.contains("<ReportFormat>text/csv</ReportFormat><GeneratedTime>2026-11-27T11:00:00Z</GeneratedTime>"))
        #expect(
            String(decoding: IdentityResponseEncoder.encodeReportState(requestId: "r").body, as: UTF8.self)
                .contains("<GenerateCredentialReportResult><State>COMPLETE</State></GenerateCredentialReportResult>"))
        #expect(IdentityError.reportNotPresent.status == 410 && IdentityError.reportExpired.code == "ReportExpired")
    }
}
