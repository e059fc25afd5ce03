#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An access key pair, found the way `sealq bench` documents.
public struct BenchmarkCredentials: Sendable, Equatable {
    /// The access key id.
    public let accessKeyId: String
    /// The secret access key.
    public let secretAccessKey: String

    /// A key pair.
    public init(accessKeyId: String, secretAccessKey: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }

    /// The first pair among: the explicit arguments, `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`,
    /// `SEALQ_ADMIN_ACCESS_KEY_ID`/`SEALQ_ADMIN_SECRET_ACCESS_KEY`, and the `[sealq-admin]` profile of
    /// `<dataDirectory>/admin-credentials` (AWS shared-credentials format). Half a pair is refused,
    /// not passed over: a run meant for one key must not quietly run as the admin.
    public static func resolve(
        accessKeyId: String?, secretAccessKey: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        dataDirectory: String
    ) throws -> BenchmarkCredentials {
        let candidates: [(names: String, id: String?, secret: String?)] = [
            ("--access-key-id/--secret-access-key", accessKeyId, secretAccessKey),
            ("AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", environment["AWS_ACCESS_KEY_ID"], environment["AWS_SECRET_ACCESS_KEY"]),
            ("SEALQ_ADMIN_ACCESS_KEY_ID/SEALQ_ADMIN_SECRET_ACCESS_KEY", environment["SEALQ_ADMIN_ACCESS_KEY_ID"], environment["SEALQ_ADMIN_SECRET_ACCESS_KEY"]),
        ]
        for candidate in candidates {
            let id = candidate.id.flatMap { $0.isEmpty ? nil : $0 }
            let secret = candidate.secret.flatMap { $0.isEmpty ? nil : $0 }
            if let id, let secret { return BenchmarkCredentials(accessKeyId: id, secretAccessKey: secret) }
            if id != nil || secret != nil {
                throw BenchmarkError.missingCredentials("\(candidate.names): only one of the two is given; give both, or neither")
            }
        }
        let path = (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + "admin-credentials"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchmarkError.missingCredentials(
                "pass --access-key-id/--secret-access-key, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                    + "or point --data-dir at a data directory holding admin-credentials (\(path) is not readable)")
        }
        let profile = profileValues(String(decoding: data, as: UTF8.self), section: "sealq-admin")
        guard let id = profile["aws_access_key_id"], let secret = profile["aws_secret_access_key"] else {
            throw BenchmarkError.missingCredentials(
                "\(path) has no [sealq-admin] aws_access_key_id/aws_secret_access_key")
        }
        return BenchmarkCredentials(accessKeyId: id, secretAccessKey: secret)
    }

    /// The `key = value` pairs of one `[section]` of an INI text (comments start with `#` or `;`).
    static func profileValues(_ text: String, section: String) -> [String: String] {
        var values: [String: String] = [:]
        var inSection = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                inSection = trimmed(line.dropFirst().dropLast()) == section
            } else if inSection, let equals = line.firstIndex(of: "=") {
                values[String(trimmed(line[..<equals]))] = String(trimmed(line[line.index(after: equals)...]))
            }
        }
        return values
    }

    private static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return text[first...last]
    }
}
