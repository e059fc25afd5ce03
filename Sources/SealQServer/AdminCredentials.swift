import Foundation
import Principals

/// The admin principal's access keys: fixed by the environment, or generated on first start
/// and kept in an AWS-style shared credentials file (mode 0600) in the data directory.
/// Printed (in a log line or inside a value that holds it) with the secret hidden.
struct AdminCredentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let accessKeyId: String
    let secretAccessKey: String
    /// When the credentials file was last written (ISO 8601, UTC): the admin key's CreateDate.
    var createDate = ""

    /// The key id, with the secret hidden.
    var description: String { "AdminCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <hidden>)" }

    var debugDescription: String { description }

    /// What reflection (`dump`, a containing value's default description) shows: no secret.
    var customMirror: Mirror { Mirror(self, children: ["accessKeyId": accessKeyId, "createDate": createDate]) }

    /// The profile name in the credentials file (a `[default]` section holds the same keys).
    static let profile = "sealq-admin"

    /// Admin keys that cannot be used: fixed ones that clash, or a lost file.
    struct Conflict: Error, CustomStringConvertible {
        /// What is wrong.
        var description: String
    }

    /// Resolves the admin keys for `configuration`, writing the credentials file when needed.
    /// Fixed keys must not reuse a principal's key id in `accessKeys` (the admin would shadow it).
    /// In a directory already `setUp`, a missing or unreadable file is refused, not replaced:
    /// new keys would silently lock out everything that holds the old ones.
    static func resolve(_ configuration: ServerConfiguration, besides accessKeys: AccessKeyStore, setUp: Bool) throws -> AdminCredentials {
        let path = configuration.adminCredentialsPath
        if let id = configuration.adminAccessKeyId, let secret = configuration.adminSecretAccessKey {
            if let owner = try accessKeys.list().first(where: { $0.accessKeyId == id }) {
                throw Conflict(description: "SEALQ_ADMIN_ACCESS_KEY_ID \(id) is already \(owner.userName)'s access key: choose another")
            }
            let credentials = AdminCredentials(accessKeyId: id, secretAccessKey: secret)
            // Written only when it changes, so its date (the admin key's CreateDate) stays put.
            let written = FileManager.default.contents(atPath: path).flatMap { parse(String(decoding: $0, as: UTF8.self)) }
            if written?.accessKeyId != id || written?.secretAccessKey != secret {
                try SecretFiles.write(Array(credentials.fileText.utf8), to: path)
            }
            return credentials.dated(by: path)
        }
        let data = FileManager.default.contents(atPath: path)
        if let data, let parsed = parse(String(decoding: data, as: UTF8.self)) {
            return parsed.dated(by: path)
        }
        if setUp {
            let what = data == nil ? "is missing or cannot be read" : "holds no aws_access_key_id and aws_secret_access_key"
            throw Conflict(
                description: """
                    \(path) \(what), but the data directory was set up with it: restore it from a backup, or set \
                    SEALQ_ADMIN_ACCESS_KEY_ID and SEALQ_ADMIN_SECRET_ACCESS_KEY to choose the admin's keys (written to it again)
                    """)
        }
        let credentials = AdminCredentials(
            accessKeyId: AccessKeyFactory.newAccessKeyId(), secretAccessKey: AccessKeyFactory.newSecretAccessKey())
        try SecretFiles.write(Array(credentials.fileText.utf8), to: path)
        return credentials.dated(by: path)
    }

    /// These credentials, with the modification time of the file at `path` as their date.
    private func dated(by path: String) -> AdminCredentials {
        var dated = self
        let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
        dated.createDate = ISO8601DateFormatter().string(from: modified)
        return dated
    }

    private var fileText: String {
        ["default", Self.profile].map {
            "[\($0)]\naws_access_key_id = \(accessKeyId)\naws_secret_access_key = \(secretAccessKey)\n"
        }.joined(separator: "\n")
    }

    private static func parse(_ text: String) -> AdminCredentials? {
        var id: String?
        var secret: String?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "aws_access_key_id" { id = id ?? parts[1] }
            if parts[0] == "aws_secret_access_key" { secret = secret ?? parts[1] }
        }
        guard let id, let secret else { return nil }
        return AdminCredentials(accessKeyId: id, secretAccessKey: secret)
    }
}
